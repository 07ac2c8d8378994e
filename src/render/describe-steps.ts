import type { LinkCounts } from '../model/live.js';
import { formatPermissions } from '../model/permissions.js';
import type { AssociatePortalStep, ChangePortalStep, Plan, Step } from '../model/plan.js';
import { describeReason } from './describe-access.js';
import { terminalText } from './safe-text.js';

/** One line of the step list. */
export interface StepLine {
  symbol: '+' | '-' | '~' | '-/+';
  noun: 'portal' | 'profile' | 'grant' | 'user' | 'revoke';
  target: string;
  detail: string;
  destructive: boolean;
  manual: boolean;
  /** Indented lines under the step (blast radius, secrets). */
  notes: string[];
  /** The plan steps this line stands for. */
  steps: Step[];
}

/** "drops every project link: 30 Accounts, 12 Contacts, 4 Deals (Potentials)" */
export function formatBlastRadius(links: LinkCounts | undefined): string {
  if (!links) return 'drops every project link with CRM Accounts, Contacts and Deals (Potentials) (not counted)';
  return `drops every project link: ${links.Accounts} Accounts, ${links.Contacts} Contacts, ${links.Deals} Deals (Potentials)`;
}

function zscNote(s: AssociatePortalStep | ChangePortalStep): string {
  return `needs the ZSC key of ${s.after.portal.name} from $${s.after.zscKeyVar} (sensitive) and its email ${s.after.zscEmail}`;
}

// Names and emails come from Zoho or the manifest: every text of a line is escaped here, once.
function line(step: Step, symbol: StepLine['symbol'], noun: StepLine['noun'], detail: string, notes: string[] = []): StepLine {
  return {
    symbol,
    noun,
    target: terminalText(step.target),
    detail: terminalText(detail),
    destructive: step.destructive,
    manual: step.manual,
    notes: notes.map(terminalText),
    steps: [step],
  };
}

/** The plan's steps as readable lines, in plan order (portal, profiles, users); remote text escaped. */
export function describeSteps(plan: Plan): StepLine[] {
  const lines: StepLine[] = [];
  const losing = plan.access.filter((c) => c.change === 'loses').length;
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'deactivate':
        lines.push(line(step, '-', 'portal', 'deactivate the Zoho Projects integration', [
          formatBlastRadius(step.blastRadius),
          // Without readable settings (real Zoho) zpi does not know who has access.
          plan.manual
            ? 'every user with access loses it'
            : `${losing} user${losing === 1 ? '' : 's'} lose access to projects inside CRM`,
        ]));
        break;
      case 'change-portal':
        // Zoho's "Change", one call: the old portal goes and the new one comes, clearing users and permissions.
      {
        const change = line(step, '-/+', 'portal', '', [
          formatBlastRadius(step.blastRadius),
          'clears users and permissions; the steps below set them again',
          zscNote(step),
          ...(step.manual ? [] : ['one call: a wrong key or email changes nothing']),
        ]);
        change.target = terminalText(`${step.before.portal.name} → ${step.target}`);
        lines.push(change);
        break;
      }
      case 'associate-portal':
        lines.push(line(step, '+', 'portal', '', [zscNote(step)]));
        break;
      case 'set-profile-permissions':
        lines.push(line(step, '~', 'profile', `${formatPermissions(step.before ?? [])} → ${formatPermissions(step.after)}`));
        break;
      case 'grant-user': {
        const why = step.reason ? ` (${describeReason(step.reason)})` : '';
        // The override is set with the grant, so it is part of it, not a step after it.
        lines.push(line(step, '+', 'grant', `${formatPermissions(step.after)}${why}`));
        break;
      }
      case 'set-user-permissions': {
        const e = step.effective;
        const detail = e
          ? `${formatPermissions(e.before)} → ${formatPermissions(e.after)} (${describeReason(e.reason)})`
          : `override ${step.before ? formatPermissions(step.before) : 'none'} → ${step.after ? formatPermissions(step.after) : 'none (profile applies)'}`;
        lines.push(line(step, '~', 'user', detail));
        break;
      }
      case 'revoke-user': {
        const why = step.reason ? ` (${describeReason(step.reason)})` : '';
        lines.push(line(step, '-', 'revoke', `had ${formatPermissions(step.before)}${why}`));
        break;
      }
    }
  }
  return lines;
}

export const DESTRUCTIVE = 'DESTRUCTIVE';

/**
 * Plain text of each line without its symbol: noun, target (padded to one column), detail, and the
 * padding that puts a DESTRUCTIVE marker in one column past the longest line. Portal targets are
 * not padded: their long "old → new" would widen every other line.
 */
export function stepBodies(lines: readonly StepLine[]): { body: string; pad: string }[] {
  // reduce, not Math.max(...): a large org has more lines than a call may have arguments.
  const width = lines.reduce((w, l) => (l.noun === 'portal' ? w : Math.max(w, l.target.length)), 0);
  const bodies = lines.map((l) => {
    const target = l.noun === 'portal' || !l.detail ? l.target : l.target.padEnd(width);
    const detail = l.detail ? `  ${l.detail}` : '';
    return `${l.noun.padEnd(7)} ${target}${detail}${l.manual ? ' (manual)' : ''}`;
  });
  const markerCol = bodies.reduce((w, b) => Math.max(w, b.length), 0) + 2;
  return bodies.map((body) => ({ body, pad: ' '.repeat(markerCol - body.length) }));
}
