import { stableStringify } from '../model/fingerprint.js';
import type { Plan } from '../model/plan.js';

/**
 * The plan as JSON for machines and for `--out` files: formatVersion first, every other key sorted
 * at every level (so the same plan is byte-identical), 2-space indent, newline-terminated.
 */
export function renderJson(plan: Plan): string {
  // stableStringify sorts keys; parsing it back keeps that order for the indented form.
  const sorted = JSON.parse(stableStringify(plan)) as Record<string, unknown>;
  const { formatVersion, ...rest } = sorted;
  return `${JSON.stringify({ formatVersion, ...rest }, null, 2)}\n`;
}

export { parsePlanFile } from './parse-plan-file.js';
