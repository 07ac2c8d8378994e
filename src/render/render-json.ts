import { stableStringify } from '../model/fingerprint.js';
import type { Plan } from '../model/plan.js';
import { planDocument } from '../model/plan-document.js';

// JSON.stringify escapes C0 controls but leaves DEL, C1 (U+009B is a CSI to some terminals), the line
// separators and bidi overrides raw; `\uXXXX` is the same JSON value, and safe when a human cats it.
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export interface JsonOptions {
  /**
   * `plan --diff --format json`: the unified diff (renderManifestDiff) as a top-level `diff` string,
   * "" when the live settings match the manifest. Not part of the plan: `--out` files leave it out,
   * and a plan file that has one still loads (the schema allows extra top-level keys).
   */
  diff?: string;
}

/**
 * The plan as JSON for machines and for `--out` files (planDocument: with its summary, apiCalls and
 * each step's manual): formatVersion first, every other key sorted at every level (so the same plan
 * is byte-identical), 2-space indent, newline-terminated, and no raw control or bidi character
 * anywhere (they are `\uXXXX` escapes inside strings).
 */
export function renderJson(plan: Plan, options: JsonOptions = {}): string {
  const printed = planDocument(plan);
  const doc: object = options.diff === undefined ? printed : { ...printed, diff: options.diff };
  // stableStringify sorts keys; parsing it back keeps that order for the indented form.
  const sorted = JSON.parse(stableStringify(doc)) as Record<string, unknown>;
  const { formatVersion, ...rest } = sorted;
  const json = JSON.stringify({ formatVersion, ...rest }, null, 2);
  return `${json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
