import type { ApplyEvent, ApplyResult, StepRef } from '../model/apply-events.js';
import { escapeControls } from '../model/errors.js';
import type { Plan, StepAction, StepKind } from '../model/plan.js';
import { palette } from './ansi.js';
import type { StepLine } from './describe-steps.js';
import { escapeStrings } from './safe-text.js';
import { formatCount, plural } from './summary-line.js';

// Terraform's idiom, as the plan's step list shows it: + create, ~ update, - delete, -/+ replace.
const SYMBOL: Record<StepAction, StepLine['symbol']> = { create: '+', update: '~', delete: '-', replace: '-/+' };

// The plan's nouns (describeSteps); a deactivation says what it does rather than "portal".
const NOUN: Record<StepKind, StepLine['noun'] | 'deactivate'> = {
  deactivate: 'deactivate',
  'associate-portal': 'portal',
  'change-portal': 'portal',
  'set-profile-permissions': 'profile',
  'grant-user': 'grant',
  'set-user-permissions': 'user',
  'revoke-user': 'revoke',
};

/** "grant carol@acme.com", "profile Standard": what a step changes, for people (the target escaped: it is a remote name). */
function stepLabel(step: { kind: StepKind; target: string }): string {
  return `${NOUN[step.kind]} ${escapeControls(step.target)}`;
}

export interface ProgressLineOptions {
  color?: boolean;
}

function head(ref: StepRef, note = ''): string {
  return `[${ref.index}/${ref.total}] ${SYMBOL[ref.action]} ${stepLabel(ref)}${note} …`;
}

function stats(retries: number, ms: number): string {
  const parts = retries > 0 ? [`${retries} ${retries === 1 ? 'retry' : 'retries'}`] : [];
  parts.push(`${(ms / 1000).toFixed(1)} s`);
  return parts.join(', ');
}

/**
 * The progress line for an apply event, e.g. `[3/14] + grant carol@acme.com … ok (1 retry, 0.4 s)`,
 * or undefined for events that print nothing (a step starting; the summary, see formatSummary).
 * Targets and error messages (Zoho's own words) are printed with control characters escaped.
 */
export function formatStepLine(event: ApplyEvent, opts: ProgressLineOptions = {}): string | undefined {
  const ev = escapeStrings(event);
  // Each outcome word ends with a full reset, as these lines always have.
  const c = palette(Boolean(opts.color), { resetAll: true });
  switch (ev.type) {
    case 'step_done':
      return ev.manual
        ? `${head(ev)} ${c.green('done')} (confirmed by the administrator)`
        : `${head(ev)} ${c.green('ok')} (${stats(ev.retries, ev.ms)})`;
    case 'step_failed':
      return `${head(ev)} ${c.red('failed')}: ${ev.error.code}: ${ev.error.message} (${stats(ev.retries, ev.ms)})`;
    case 'step_retried': {
      const others = ev.stepIds.length > 1 ? ` (and ${formatCount(ev.stepIds.length - 1)} more in the same call)` : '';
      const wait = ev.delayMs !== undefined ? ` in ${(ev.delayMs / 1000).toFixed(1)} s` : '';
      return `${head(ev, others)} ${c.yellow(`retry ${ev.retries}${wait}`)} after ${ev.error.code}: ${ev.error.message}`;
    }
    default:
      return undefined;
  }
}

/**
 * The closing line of an apply: `Apply complete: 3 added, 1 changed, 1 removed.`, or where and why it
 * stopped and what to do next. `plan` is optional; with it the line says how many steps the plan had.
 */
export function formatSummary(given: ApplyResult, plan?: Plan): string {
  // Step ids, targets and messages carry remote names and Zoho's words: escaped like every line.
  const result = escapeStrings(given);
  const c = result.counts;
  const n = formatCount;
  if (result.ok) return `Apply complete: ${n(c.added)} added, ${n(c.changed)} changed, ${n(c.removed)} removed.`;
  const of = plan ? ` of ${n(plan.steps.length)}` : '';
  const completed = `${plural(result.done.length, 'step')}${of} completed`;
  if (result.stopped) {
    const left = result.remaining;
    const named = left.slice(0, 3).join(', ') + (left.length > 3 ? ` and ${n(left.length - 3)} more` : '');
    return (
      `Apply stopped: ${result.stopped.message}. ${completed}, ${plural(left.length, 'step')} left (${named}); ` +
      'no call was cut short. Run `zpi apply` again to finish the rest.'
    );
  }
  if (result.failed) {
    const f = result.failed;
    return (
      `Apply failed at step [${f.index}/${f.total}] ${stepLabel(f)}: ${f.code}: ${f.message}. ` +
      `${completed}; run \`zpi apply\` again to finish the rest.`
    );
  }
  const m = result.manualStop;
  if (m) {
    // A Setup block carries several steps: name the first and count the rest.
    const more = m.steps > 1 ? ` and ${n(m.steps - 1)} more on the same Setup screen` : '';
    const where = m.steps > 1 ? `[${m.index}–${m.index + m.steps - 1}/${m.total}] ${stepLabel(m)}${more}` : `[${m.index}/${m.total}] ${stepLabel(m)}`;
    return m.reason === 'not-confirmed'
      ? `Apply stopped at manual step ${where}: not confirmed as done. ${completed}; ` +
          'once it is done in Zoho CRM Setup, run `zpi apply` again to finish the rest (what was confirmed is recorded and not asked again).'
      : `Apply stopped before manual step ${where}: Zoho has no API for it, so an administrator must do it ` +
          `in Zoho CRM Setup, and without a terminal zpi cannot ask whether it is done. ${completed}; ` +
          'do it (`zpi plan` prints the Setup instructions), then run `zpi apply` again to finish the rest.';
  }
  return `Apply incomplete: ${completed}; run \`zpi apply\` again to finish the rest.`;
}
