import { formatPermissions } from '../model/permissions.js';
import type { AccessChange, AccessReason, Plan } from '../model/plan.js';
import { terminalText } from './safe-text.js';

export function describeReason(reason: AccessReason): string {
  if (reason.kind === 'profile') return `profile ${terminalText(reason.profile)}`;
  return reason.kind === 'override' ? 'per-user override' : 'no access';
}

/** "none → view,create" */
export function describeTransition(c: AccessChange): string {
  return `${formatPermissions(c.before)} → ${formatPermissions(c.after)}`;
}

function via(reason: AccessReason): string {
  if (reason.kind === 'profile') return `via profile ${terminalText(reason.profile)}`;
  return reason.kind === 'override' ? 'via a per-user override' : 'no access';
}

/** True when the plan deactivates the integration: everyone's loss of access is down to that. */
export function deactivates(plan: Plan): boolean {
  return plan.steps.some((s) => s.kind === 'deactivate');
}

/** Why a user's access changes, in a few words: "granted via profile Standard". */
export function describeWhy(c: AccessChange, deactivating: boolean): string {
  if (c.after.length === 0 && deactivating) return 'integration deactivated';
  if (c.afterReason.kind === 'none') return `revoked, had it ${via(c.beforeReason)}`;
  if (c.beforeReason.kind === 'none') return `granted ${via(c.afterReason)}`;
  const b = describeReason(c.beforeReason);
  const a = describeReason(c.afterReason);
  return b === a ? `${a} changed` : `${b} → ${a}`;
}

const WORDS: [AccessChange['change'], string, string][] = [
  ['gains', 'gains', 'gain'],
  ['escalated', 'escalated', 'escalated'],
  ['changed', 'changed', 'changed'],
  ['reduced', 'reduced', 'reduced'],
  ['loses', 'loses access', 'lose access'],
];

/** "Effective access: 1 gains, 1 escalated, 2 reduced, 1 loses access." */
export function accessCountsLine(access: readonly AccessChange[]): string {
  if (access.length === 0) return 'Effective access: no change.';
  const parts = WORDS.map(([kind, one, many]) => {
    const n = access.filter((c) => c.change === kind).length;
    return n === 0 ? '' : `${n} ${n === 1 ? one : many}`;
  }).filter(Boolean);
  return `Effective access: ${parts.join(', ')}.`;
}
