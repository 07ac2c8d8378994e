import { formatPermissions } from '../model/permissions.js';
import type { Drift, Plan } from '../model/plan.js';
import { terminalText } from './safe-text.js';

const NOUN: Record<Drift['subject'], string> = { status: 'status', portal: 'portal', user: 'user', override: 'user', profile: 'profile' };

function value(subject: Drift['subject'], v: Drift['recorded']): string {
  if (v === null) return subject === 'user' ? 'no access' : subject === 'override' ? 'no per-user permissions' : subject === 'profile' ? 'none' : 'none';
  if (Array.isArray(v)) return subject === 'override' ? `per-user ${formatPermissions(v)}` : formatPermissions(v);
  return v;
}

const CAUSE: Record<Exclude<Drift['cause'], 'changed'>, string> = {
  gone: 'no longer exists in CRM',
  inactive: 'is no longer an active CRM user',
  unconfirmed: 'is not a confirmed CRM user',
};

/** One drift line's parts: symbol, noun, target, "before → after", and a note. */
export interface DriftLine {
  symbol: '~' | '-' | '+';
  noun: string;
  target: string;
  change: string;
  note: string;
}

/**
 * What changed outside zpi since the record, one line each (DESIGN §5a), like Terraform's "Objects
 * have changed outside of Terraform". `quote` escapes names for the output at hand.
 */
export function driftLines(drift: readonly Drift[], quote: (text: string) => string = terminalText): DriftLine[] {
  return drift.map((d) => {
    const target = quote(d.target);
    if (d.cause !== 'changed') {
      return { symbol: '-', noun: NOUN[d.subject], target, change: `recorded with ${value(d.subject, d.recorded)}, ${CAUSE[d.cause]}`, note: 'left out of the plan' };
    }
    const symbol = d.recorded === null ? '+' : d.found === null ? '-' : '~';
    const note = d.undone ? 'this plan puts it back' : 'kept: the manifest does not manage it, or asks for it';
    return { symbol, noun: NOUN[d.subject], target, change: `${quote(value(d.subject, d.recorded))} → ${quote(value(d.subject, d.found))}`, note };
  });
}

/** "Changed outside zpi since the record (last written 2026-11-29T10:00:00.000Z by admin@acme.com):" */
export function driftHeading(plan: Plan, quote: (text: string) => string = terminalText): string {
  const r = plan.record;
  const since = r?.at ? ` (last written ${quote(r.at)}${r.by ? ` by ${quote(r.by)}` : ''})` : '';
  return plan.manual ? `Real Zoho shows changes since the record${since}:` : `Changed outside zpi since the record${since}:`;
}
