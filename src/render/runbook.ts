import { PERMISSIONS, type Permission } from '../model/permissions.js';
import type { Step } from '../model/plan.js';
import type { RecordedSettings } from '../model/record.js';
import type { RunbookBlock } from '../model/runbook.js';
import { terminalText } from './safe-text.js';
import { formatCount, plural } from './summary-line.js';

// Paths and button names follow Zoho CRM Help, "Configuring Projects Integration": there is no API
// for these settings, so on real Zoho an administrator carries them out in CRM's Setup, one visit
// to one screen per block.
const PAGE = 'Setup > Apps & Add-ons > Zoho Apps > Zoho Projects';
const KEEP_WORKING = 'people keep working on those projects in Zoho Projects itself.';

const LABEL: Record<Permission, string> = { view: 'View', create: 'Create', edit: 'Edit', delete: 'Delete' };

function list(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** "tick View and Create; clear Edit and Delete" */
export function tickBoxes(perms: readonly Permission[]): string {
  const on = PERMISSIONS.filter((p) => perms.includes(p)).map((p) => LABEL[p]);
  const off = PERMISSIONS.filter((p) => !perms.includes(p)).map((p) => LABEL[p]);
  return [on.length > 0 && `tick ${list(on)}`, off.length > 0 && `clear ${list(off)}`].filter(Boolean).join('; ');
}


/** "Manage Users and Permissions: tick 44 users, clear 1" — what one visit is about. */
export function blockTitle(block: RunbookBlock, quote: (text: string) => string = terminalText): string {
  const first = block.steps[0] as Step;
  switch (block.screen) {
    case 'deactivate':
      return 'Deactivate Zoho Projects';
    case 'portal':
      return first.kind === 'change-portal'
        ? `Portal: change ${quote(first.before.portal.name)} → ${quote(first.after.portal.name)}`
        : first.kind === 'associate-portal'
          ? `Portal: activate with ${quote(first.after.portal.name)}`
          : 'Portal';
    case 'profiles':
      return `Profile permissions: ${plural(block.steps.length, 'profile')}`;
    case 'users': {
      const { tick, clear, set } = userRows(block.steps);
      const parts = [tick.length > 0 && `tick ${plural(tick.length, 'user')}`, clear.length > 0 && `clear ${plural(clear.length, 'user')}`, set.length > 0 && `set permissions of ${plural(set.length, 'user')}`];
      return `Manage Users and Permissions: ${parts.filter(Boolean).join(', ')}`;
    }
  }
}

interface UserRow {
  email: string;
  /** What to do in the user's row besides the checkbox, or '' for nothing. */
  detail: string;
}

function userRows(steps: readonly Step[]): { tick: UserRow[]; clear: UserRow[]; set: UserRow[] } {
  const tick: UserRow[] = [];
  const clear: UserRow[] = [];
  const set: UserRow[] = [];
  for (const s of steps) {
    if (s.kind === 'grant-user') tick.push({ email: s.user.email, detail: s.override ? `in the row, ${tickBoxes(s.override)}` : '' });
    else if (s.kind === 'revoke-user') clear.push({ email: s.user.email, detail: '' });
    else if (s.kind === 'set-user-permissions') {
      const perms = s.after ?? s.effective?.after;
      const detail = perms
        ? `${tickBoxes(perms)}${s.after ? '' : ' (as the profile grants: the per-user setting goes)'}`
        : "set View, Create, Edit and Delete to what the user's profile grants";
      set.push({ email: s.user.email, detail });
    }
  }
  return { tick, clear, set };
}

/** Rows as aligned lines: "alice@acme.com   in the row, tick View; clear …". */
function rowLines(rows: readonly UserRow[], quote: (text: string) => string): string[] {
  const quoted = rows.map((r) => ({ email: quote(r.email), detail: r.detail }));
  const width = quoted.reduce((w, r) => (r.detail ? Math.max(w, r.email.length) : w), 0);
  return quoted.map((r) => (r.detail ? `${r.email.padEnd(width)}  ${r.detail}` : r.email));
}

/**
 * What the administrator does on one Setup screen to carry out `block` on real Zoho (no API for
 * it). Every name and email passes through `quote`: control characters escaped for a terminal (the
 * default), Markdown escaping for a pull-request comment. Users come as lists to tick and clear.
 */
export function blockInstructions(block: RunbookBlock, quote: (text: string) => string = terminalText): string[] {
  const first = block.steps[0] as Step;
  switch (block.screen) {
    case 'deactivate':
      return [
        `In Zoho CRM, as an administrator: ${PAGE}.`,
        'Click Deactivate Zoho Projects and confirm.',
        `This unlinks every portal and project from CRM Accounts, Contacts and Deals (Potentials); ${KEEP_WORKING}`,
      ];
    case 'portal': {
      if (first.kind !== 'associate-portal' && first.kind !== 'change-portal') return [];
      const portal = quote(first.after.portal.name);
      const start =
        first.kind === 'change-portal'
          ? `Click Change to replace portal ${quote(first.before.portal.name)}. Zoho warns that projects linked to CRM records ` +
            `will no longer be available there: every link with Accounts, Contacts and Deals (Potentials) is dropped; ${KEEP_WORKING}`
          : 'Click Activate Now.';
      return [
        `In Zoho CRM, as an administrator: ${PAGE}.`,
        start,
        `No ZSC key for ${portal} yet? A portal administrator generates it in Zoho Projects under ` +
          'Settings > Company Settings > Zoho Service Communication (ZSC) Key (or asks the portal owner for it).',
        `Under Set Up Zoho Projects Integration, enter the ZSC key (its value is in $${quote(first.after.zscKeyVar)}) ` +
          `and the email address it belongs to, ${quote(first.after.zscEmail)}.`,
        'Click Next.',
        `Choose the portal ${portal}.`,
        'Click Save. (The form also lists users and profile permissions: set them now as the next blocks say, or in those blocks.)',
      ];
    }
    case 'profiles': {
      const rows = block.steps.flatMap((s) => (s.kind === 'set-profile-permissions' ? [{ name: quote(s.profile.name), perms: s.after }] : []));
      const width = rows.reduce((w, r) => Math.max(w, r.name.length + 1), 0);
      return [
        `In Zoho CRM, as an administrator: ${PAGE}: the profiles' View, Create, Edit and Delete boxes are on the ` +
          "integration's setup form (later also on each profile's page under Profiles).",
        ...rows.map((r) => `  ${`${r.name}:`.padEnd(width)}  ${tickBoxes(r.perms)}`),
        'Leave every other profile as it is. Click Save.',
      ];
    }
    case 'users': {
      const { tick, clear, set } = userRows(block.steps);
      const section = (head: string, rows: UserRow[]): string[] =>
        rows.length === 0 ? [] : [`${head} (${formatCount(rows.length)}):`, ...rowLines(rows, quote).map((l) => `  ${l}`)];
      return [
        `In Zoho CRM, as an administrator: ${PAGE} > Portal Settings > Manage Users and Permissions.`,
        ...section('Tick the checkbox of', tick),
        ...section('Clear the checkbox of', clear),
        ...section('Set the permission boxes of', set),
        'Leave every other user as it is. Click Save.',
      ];
    }
  }
}

/**
 * What Setup must show for `settings` to be true, for `zpi import` on real Zoho: the administrator
 * compares it with Setup and answers yes. Profiles are those the manifest manages (`profiles`).
 */
export function settingsChecklist(settings: RecordedSettings, quote: (text: string) => string = terminalText): string[] {
  if (settings.status !== 'active' || !settings.portal) {
    return [`In Zoho CRM, ${PAGE}: Zoho Projects is not activated (the page offers Activate Now).`];
  }
  const profiles = Object.entries(settings.profiles).map(([name, perms]) => ({ name: quote(name), perms }));
  const width = profiles.reduce((w, p) => Math.max(w, p.name.length + 1), 0);
  const users = settings.users.map((u) => ({ email: u.email, detail: u.permissions ? `per-user: ${tickBoxes(u.permissions)}` : '' }));
  return [
    `In Zoho CRM, ${PAGE}:`,
    `  Portal: ${quote(settings.portal.name)}, activated.`,
    `  Profile permissions (${plural(profiles.length, 'profile')} the manifest manages):`,
    ...profiles.map((p) => `    ${`${p.name}:`.padEnd(width)}  ${tickBoxes(p.perms)}`),
    `  Portal Settings > Manage Users and Permissions: exactly these ${plural(users.length, 'user')} ticked, nobody else:`,
    ...rowLines(users, quote).map((l) => `    ${l}`),
  ];
}
