import { escapeControls } from '../model/errors.js';
import { stableStringify } from '../model/fingerprint.js';
import { isObj } from '../model/is-obj.js';
import type { Step } from '../model/plan.js';

/**
 * Why the steps saved in a plan file are not the very steps planned now from the same manifest, live
 * state and options, or null when they are. `zpi apply PLANFILE` runs the fresh steps only when this
 * is null, so nothing written into the file (an added grant, a dropped revoke, a user id swapped
 * under a familiar email, a destructive flag cleared) is ever carried out. Blast radii are left out:
 * link counts change as people work and only inform the reader; so is the file name in `source`.
 */
export function compareSteps(saved: readonly unknown[], fresh: readonly Step[]): string | null {
  const counts = saved.length === fresh.length ? '' : ` (the file has ${saved.length} steps, a fresh plan ${fresh.length})`;
  // By id first, so a dropped, added or moved step is named as such rather than as its neighbour.
  const savedIds = saved.map((s) => (isObj(s) && typeof s.id === 'string' ? s.id : undefined));
  const freshIds = new Set(fresh.map((s) => s.id));
  const inFile = new Set(savedIds);
  const added = savedIds.findIndex((id) => id === undefined || !freshIds.has(id));
  if (added >= 0) return `step ${added + 1} (${label(saved[added])}) is in the file but not planned now${counts}`;
  const missing = fresh.findIndex((s) => !inFile.has(s.id));
  if (missing >= 0) return `step ${missing + 1} (${label(fresh[missing])}) is planned now but missing from the file${counts}`;
  if (saved.length !== fresh.length) return `a step is in the file more than once${counts}`;
  const moved = fresh.findIndex((s, i) => s.id !== savedIds[i]);
  if (moved >= 0) return `the steps are in another order: a fresh plan has ${label(fresh[moved])} as step ${moved + 1}, the file ${label(saved[moved])}`;
  for (let i = 0; i < fresh.length; i++) {
    const a = comparable(saved[i]);
    const b = comparable(fresh[i]);
    if (stableStringify(a) === stableStringify(b)) continue;
    const where = firstDifference(a, b, '');
    return `step ${i + 1} (${label(a)}) differs from a fresh plan${where ? ` in ${where}` : ''}`;
  }
  return null;
}

function comparable(step: unknown): unknown {
  if (!isObj(step)) return step;
  const { blastRadius: _links, ...rest } = step;
  // The manifest's path is as each run names it (a plan saved as sub/plan.json is applied from sub/):
  // its bytes are compared by hash already; the line and column are the step's own.
  if (isObj(rest.source)) {
    const { file: _file, ...at } = rest.source;
    rest.source = at;
  }
  return rest;
}

/** The step's id as the file or the plan gives it, printable whatever the file holds. */
function label(step: unknown): string {
  const id = isObj(step) && typeof step.id === 'string' ? step.id : JSON.stringify(step) ?? 'nothing';
  return escapeControls(id.length > 80 ? `${id.slice(0, 79)}…` : id);
}

/** The path of the first field that differs (`user.id`, `after[2]`), or '' at the top. */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (stableStringify(a[i]) !== stableStringify(b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
    }
    return path;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      if (stableStringify(a[k]) !== stableStringify(b[k])) return firstDifference(a[k], b[k], path ? `${path}.${escapeControls(k)}` : escapeControls(k));
    }
  }
  return path;
}

