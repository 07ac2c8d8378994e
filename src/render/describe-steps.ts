import type { LinkCounts } from '../model/live.js';
import type { Permission } from '../model/permissions.js';
import { formatPermissions } from '../model/permissions.js';
import type { AssociatePortalStep, ChangePortalStep, Plan, Step } from '../model/plan.js';
import { describeReason } from './describe-access.js';
import { terminalText } from './safe-text.js';
import { formatCount, plural } from './summary-line.js';

/** One line of the step list. */
export interface StepLine {
  symbol: '+' | '-' | '~' | '-/+';
  noun: 'portal' | 'profile' | 'grant' | 'user' | 'revoke';
  target: string;
  detail: string;
  destructive: boolean;
  /** The plan's manual flag: the line is marked "(manual)". */
  manual: boolean;
  /** Indented lines under the step (blast radius, secrets). */
  notes: string[];
  /** The plan steps this line stands for. */
  steps: Step[];
}

/** "drops every project link: 30 Accounts, 12 Contacts, 4 Deals (Potentials)" */
export function formatBlastRadius(links: LinkCounts | undefined): string {
  if (!links) return 'drops every project link with CRM Accounts, Contacts and Deals (Potentials) (not counted)';
  const n = formatCount;
  return `drops every project link: ${n(links.Accounts)} Accounts, ${n(links.Contacts)} Contacts, ${n(links.Deals)} Deals (Potentials)`;
}

/** "asked for at integration.yaml:5": where the manifest asks for a destructive portal step (DESIGN §4 `source`). */
function askedAt(step: Step): string[] {
  return step.source ? [`asked for at ${step.source.file}:${step.source.line}`] : [];
}

function zscNote(s: AssociatePortalStep | ChangePortalStep): string {
  return `needs the ZSC key of ${s.after.portal.name} from $${s.after.zscKeyVar} (sensitive) and its email ${s.after.zscEmail}`;
}

// Names and emails come from Zoho or the manifest: every text of a line is escaped here, once.
function stepLine(manual: boolean, step: Step, symbol: StepLine['symbol'], noun: StepLine['noun'], detail: string, notes: string[]): StepLine {
  return {
    symbol,
    noun,
    target: terminalText(step.target),
    detail: terminalText(detail),
    destructive: step.destructive,
    manual,
    notes: notes.map(terminalText),
    steps: [step],
  };
}

/**
 * The plan's steps as readable lines, in plan order (the order apply runs them); remote text escaped.
 * The renderers show them in displayOrder.
 */
export function describeSteps(plan: Plan): StepLine[] {
  const lines: StepLine[] = [];
  const losing = plan.access.filter((c) => c.change === 'loses').length;
  const line = (step: Step, symbol: StepLine['symbol'], noun: StepLine['noun'], detail: string, notes: string[] = []): StepLine =>
    stepLine(plan.manual, step, symbol, noun, detail, notes);
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'deactivate':
        lines.push(line(step, '-', 'portal', 'deactivate the Zoho Projects integration', [
          formatBlastRadius(step.blastRadius),
          // Without readable settings (real Zoho) zpi does not know who has access.
          plan.manual
            ? 'every user with access loses it'
            : `${plural(losing, 'user')} ${losing === 1 ? 'loses' : 'lose'} access to projects inside CRM`,
          ...askedAt(step),
        ]));
        break;
      case 'change-portal':
        // Zoho's "Change", one call: the old portal goes and the new one comes, clearing users and permissions.
      {
        const change = line(step, '-/+', 'portal', '', [
          formatBlastRadius(step.blastRadius),
          'clears users and permissions; the steps below set them again',
          zscNote(step),
          ...(plan.manual ? [] : ['one call: a wrong key or email changes nothing']),
          ...askedAt(step),
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
        const expired = step.expired ? `, expired after ${step.expired}` : '';
        lines.push(line(step, '-', 'revoke', `had ${formatPermissions(step.before)}${why}${expired}`));
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

/** True when `after` lacks a permission `before` has. */
function narrows(before: readonly Permission[], after: readonly Permission[]): boolean {
  return before.some((p) => !after.includes(p));
}

/**
 * Where a line goes in what reviewers read (DESIGN §4): 0 destructive, 1 the portal, then losses and
 * reductions (2 a profile narrowed, 3 revokes and overrides narrowed), escalations (4 a profile
 * widened, 5 an override widened), and 6 gains (grants). A profile line leads its group: one line,
 * many users.
 */
function displayRank(l: StepLine): number {
  const s = l.steps[0];
  if (l.destructive || !s) return 0;
  switch (s.kind) {
    case 'deactivate':
    case 'change-portal':
    case 'associate-portal':
      return 1;
    case 'set-profile-permissions':
      return narrows(s.before ?? [], s.after) ? 2 : 4;
    case 'revoke-user':
      return 3;
    case 'set-user-permissions': {
      const e = s.effective;
      if (e) return narrows(e.before, e.after) ? 3 : 5;
      // Without the effective permissions an override set or removed may narrow: shown with the losses.
      return s.before && s.after && !narrows(s.before, s.after) ? 5 : 3;
    }
    case 'grant-user':
      return 6;
  }
}

/**
 * The lines in the order reviewers see them (DESIGN §4): destructive steps, the portal, losses and
 * reductions, escalations, gains last; plan order within each group. Display only: apply runs
 * plan.steps in their own (least-privilege) order.
 */
export function displayOrder(lines: readonly StepLine[]): StepLine[] {
  const ranked = lines.map((l) => ({ l, r: displayRank(l) }));
  // Array.prototype.sort is stable: plan order within a group.
  return ranked.sort((a, b) => a.r - b.r).map((x) => x.l);
}

/**
 * True for a line a shortened list still shows: the portal's and the profiles' (a few at most, each
 * standing for many users); per-user lines are what folding leaves out.
 */
export function neverFolded(l: StepLine): boolean {
  return l.noun === 'portal' || l.noun === 'profile';
}

const NOUNS: Record<StepLine['noun'], [string, string]> = {
  portal: ['portal step', 'portal steps'],
  profile: ['profile change', 'profile changes'],
  user: ['per-user permission change', 'per-user permission changes'],
  revoke: ['revoke', 'revokes'],
  grant: ['grant', 'grants'],
};

/** "2,100 revokes, 2,502 grants": what some lines are, in the order they come. */
export function stepCounts(lines: readonly StepLine[]): string {
  const n = new Map<StepLine['noun'], number>();
  for (const l of lines) n.set(l.noun, (n.get(l.noun) ?? 0) + 1);
  return [...n].map(([noun, k]) => plural(k, ...NOUNS[noun])).join(', ');
}
