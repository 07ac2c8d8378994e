import type { SourcePos } from '../model/desired.js';
import { formatPermissions } from '../model/permissions.js';
import type { AccessAt, Explanation } from '../plan/explain.js';
import { terminalText } from './safe-text.js';

function describe(a: AccessAt, profile: string | undefined): string {
  if (!a.access) return 'no access';
  if (a.override) return `${formatPermissions(a.permissions)} (per-user permissions; profile ${profile ?? '?'} would give ${formatPermissions(a.profilePermissions)})`;
  return `${formatPermissions(a.permissions)} (from profile ${profile ?? '?'})`;
}

/**
 * `zpi explain EMAIL` for a terminal: what the user can do on projects now and after the manifest,
 * and the manifest lines that decide it. Names are escaped.
 */
export function renderExplanation(e: Explanation, file: string): string {
  const q = terminalText;
  const at = (pos: SourcePos): string => `${q(file)}:${pos.line}:${pos.col}`;
  const profile = e.user?.profile;
  const who = e.user
    ? `${q(e.email)} · ${q(e.user.name)} · CRM profile ${q(e.user.profile)}${e.user.status === 'active' && e.user.confirmed ? '' : ` (${e.user.status === 'active' ? 'unconfirmed' : q(e.user.status)} in CRM)`}`
    : `${q(e.email)} · not a CRM user of this org`;
  const why: string[] = [];
  const m = e.manifest;
  if (m.expires?.over) {
    why.push(`expires ${m.expires.date} at ${at(m.expires.pos)} is over: the user counts as not listed, so access ends`);
  } else if (m.listed) {
    why.push(`listed under users: at ${at(m.listed)}${e.after.override ? `, with permissions: [${e.after.override.join(', ')}]` : ''}`);
    if (m.expires) why.push(`access ends after ${m.expires.date} (UTC), set at ${at(m.expires.pos)}`);
  } else {
    why.push(`not listed under users:${m.usersKey ? ` (${at(m.usersKey)})` : ''}, so no access (users are authoritative)`);
  }
  if (profile !== undefined) {
    why.push(
      m.profile
        ? `profile ${q(profile)} is managed at ${at(m.profile)}: ${formatPermissions(e.after.profilePermissions)}`
        : `profile ${q(profile)} is not in profiles:, so it keeps what it has: ${formatPermissions(e.after.profilePermissions)}`,
    );
  }
  const steps = e.steps.length === 0 ? ['  none: nothing changes for this user'] : e.steps.map((s) => `  ${q(s.id)}${s.source ? ` (${at(s.source)})` : ''}`);
  return `${[
    who,
    `Now:   ${q(describe(e.now, profile))}`,
    `After: ${q(describe(e.after, profile))}`,
    'Why:',
    ...why.map((w) => `  - ${w}`),
    'Steps of the plan that change it:',
    ...steps,
  ].join('\n')}\n`;
}
