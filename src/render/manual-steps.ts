import { PERMISSIONS, type Permission } from '../model/permissions.js';
import type { Step } from '../model/plan.js';
import { terminalText } from './safe-text.js';

// Paths and button names follow Zoho CRM Help, "Configuring Projects Integration": there is no
// API for these settings, so on real Zoho an administrator clicks through CRM's Setup.
const OPEN_PAGE = [
  'Sign in to Zoho CRM as an administrator.',
  'Open Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.',
];
const USERS_PAGE = 'Under Portal Settings, click Manage Users and Permissions.';
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

function numbered(lines: string[]): string[] {
  return lines.map((l, i) => `${i + 1}. ${l}`);
}

/**
 * Numbered Setup instructions that carry out `step` by hand on real Zoho (no API for it). Every name
 * and email in them passes through `quote`: control characters escaped for a terminal (the default),
 * Markdown escaping for a pull-request comment.
 */
export function manualInstructions(step: Step, quote: (text: string) => string = terminalText): string[] {
  switch (step.kind) {
    case 'deactivate':
      return numbered([
        ...OPEN_PAGE,
        'Click Deactivate Zoho Projects and confirm.',
        `This unlinks every portal and project from CRM Accounts, Contacts and Deals (Potentials); ${KEEP_WORKING}`,
      ]);
    case 'associate-portal':
    case 'change-portal': {
      const portal = quote(step.after.portal.name);
      const zscEmail = quote(step.after.zscEmail);
      const start =
        step.kind === 'change-portal'
          ? `Click Change to replace portal ${quote(step.before.portal.name)}. Zoho warns that projects linked to CRM records ` +
            `will no longer be available there: every link with Accounts, Contacts and Deals (Potentials) is dropped; ${KEEP_WORKING}`
          : 'Click Activate Now.';
      return numbered([
        ...OPEN_PAGE,
        start,
        `No ZSC key for ${portal} yet? A portal administrator generates it in Zoho Projects under ` +
          'Settings > Company Settings > Zoho Service Communication (ZSC) Key (or asks the portal owner for it).',
        `Under Set Up Zoho Projects Integration, enter the ZSC key (its value is in $${quote(step.after.zscKeyVar)}) ` +
          `and the email address it belongs to, ${zscEmail}.`,
        'Click Next.',
        `Choose the portal ${portal}.`,
        'Click Save. (The form also lists users and profile permissions: set them now as the next steps say, or in those steps.)',
      ]);
    }
    case 'set-profile-permissions':
      return numbered([
        ...OPEN_PAGE,
        `Find the project permissions of profile ${quote(step.profile.name)}: they are on the integration's setup form, ` +
          'and can be changed later from the Profiles page.',
        `For profile ${quote(step.profile.name)}, ${tickBoxes(step.after)}.`,
        'Click Save.',
      ]);
    case 'grant-user': {
      const override = step.override ? ` In the same row, ${tickBoxes(step.override)}.` : '';
      return numbered([...OPEN_PAGE, USERS_PAGE, `Select the checkbox of ${quote(step.user.email)}.${override}`, 'Click Save.']);
    }
    case 'revoke-user':
      return numbered([...OPEN_PAGE, USERS_PAGE, `Clear the checkbox of ${quote(step.user.email)}.`, 'Click Save.']);
    case 'set-user-permissions': {
      const perms = step.after ?? step.effective?.after;
      const what = perms
        ? `In the row of ${quote(step.user.email)}, ${tickBoxes(perms)}.`
        : `In the row of ${quote(step.user.email)}, set View, Create, Edit and Delete to what the user's profile grants.`;
      return numbered([...OPEN_PAGE, USERS_PAGE, what, 'Click Save.']);
    }
  }
}
