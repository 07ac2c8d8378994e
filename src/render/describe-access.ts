import { formatPermissions } from '../model/permissions.js';
import type { AccessChange, AccessReason, Plan } from '../model/plan.js';
import { terminalText } from './safe-text.js';
import { formatCount } from './summary-line.js';

/** Renders a name inside a sentence: escaped for a terminal by default, a code span in Markdown. */
export type Quote = (text: string) => string;

export function describeReason(reason: AccessReason, quote: Quote = terminalText): string {
  if (reason.kind === 'profile') return `profile ${quote(reason.profile)}`;
  return reason.kind === 'override' ? 'per-user override' : 'no access';
}

/** "none → view,create" */
export function describeTransition(c: AccessChange): string {
  return `${formatPermissions(c.before)} → ${formatPermissions(c.after)}`;
}

function via(reason: AccessReason, quote: Quote): string {
  if (reason.kind === 'profile') return `via profile ${quote(reason.profile)}`;
  return reason.kind === 'override' ? 'via a per-user override' : 'no access';
}

/** True when the plan deactivates the integration: everyone's loss of access is down to that. */
export function deactivates(plan: Plan): boolean {
  return plan.steps.some((s) => s.kind === 'deactivate');
}

/**
 * Why a user's access changes, in a few words: "granted via profile Standard". `quote` renders the
 * profile's name (escaped for a terminal by default).
 */
export function describeWhy(c: AccessChange, deactivating: boolean, quote: Quote = terminalText): string {
  if (c.after.length === 0 && deactivating) return 'integration deactivated';
  if (c.afterReason.kind === 'none' && c.expired) return `expired after ${c.expired}, had it ${via(c.beforeReason, quote)}`;
  if (c.afterReason.kind === 'none') return `revoked, had it ${via(c.beforeReason, quote)}`;
  if (c.beforeReason.kind === 'none') return `granted ${via(c.afterReason, quote)}`;
  const b = describeReason(c.beforeReason, quote);
  const a = describeReason(c.afterReason, quote);
  return b === a ? `${a} changed` : `${b} → ${a}`;
}

/**
 * Kinds of change in the order reviewers see them (DESIGN §4): losses first, then reductions, then
 * changes that take some permission and give another, then escalations, gains last. With the words
 * for one user and for several.
 */
const WORDS: [AccessChange['change'], string, string][] = [
  ['loses', 'loses access', 'lose access'],
  ['reduced', 'reduced', 'reduced'],
  ['changed', 'changed', 'changed'],
  ['escalated', 'escalated', 'escalated'],
  ['gains', 'gains', 'gain'],
];
const RANK = new Map(WORDS.map(([kind], i) => [kind, i]));

/** True for a change that takes a permission away (loses, reduced, changed): shown red, listed first. */
export function takesAccess(c: AccessChange): boolean {
  return c.change === 'loses' || c.change === 'reduced' || c.change === 'changed';
}

/**
 * The changes in display order: users who lose access, then reduced, changed, escalated, and those
 * who gain access last, each group in plan order. Display only: the plan's own order is not touched.
 */
export function lossesFirst(access: readonly AccessChange[]): AccessChange[] {
  // Array.prototype.sort is stable: plan order within a group.
  return [...access].sort((x, y) => (RANK.get(x.change) ?? 0) - (RANK.get(y.change) ?? 0));
}

/** "1 loses access, 2 reduced, 1 escalated, 1 gains": the counts, losses first ('' for none). */
export function accessCounts(access: readonly AccessChange[]): string {
  const n = new Map<AccessChange['change'], number>();
  for (const c of access) n.set(c.change, (n.get(c.change) ?? 0) + 1);
  return WORDS.filter(([kind]) => (n.get(kind) ?? 0) > 0)
    .map(([kind, one, many]) => {
      const k = n.get(kind) ?? 0;
      return `${formatCount(k)} ${k === 1 ? one : many}`;
    })
    .join(', ');
}

/** "Effective access: 1 loses access, 2 reduced, 1 escalated, 1 gains." */
export function accessCountsLine(access: readonly AccessChange[]): string {
  if (access.length === 0) return 'Effective access: no change.';
  return `Effective access: ${accessCounts(access)}.`;
}
