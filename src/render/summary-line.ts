import type { Plan } from '../model/plan.js';
import { runbookBlocks } from '../model/runbook.js';
import { apiCallsOf, planSummary } from '../model/summarize-plan.js';
import { terminalText } from './safe-text.js';

/**
 * A count for people: "7", "2,500" (thousands separated, whatever the machine's locale). Not
 * toLocaleString: its first call loads ICU's number formats, 30 ms of every run that prints a count.
 */
export function formatCount(n: number): string {
  const [int = '', frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** "1 step", "2,500 steps": the count and the word agreeing with it (`many` for irregular plurals). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "Plan: 1 to add, 3 to change, 1 to remove. 1 destructive — apply needs --allow-destructive." */
export function summaryLine(plan: Plan): string {
  const s = planSummary(plan);
  const needs = s.destructive > 0 && !plan.options.allowDestructive ? ' — apply needs --allow-destructive' : '';
  const n = formatCount;
  return `Plan: ${n(s.add)} to add, ${n(s.change)} to change, ${n(s.remove)} to remove. ${n(s.destructive)} destructive${needs}.`;
}

/** What apply will do on the wire, or by hand when Zoho has no API for the settings. */
export function effortLine(plan: Plan): string {
  if (plan.manual) {
    const n = plan.steps.length;
    const screens = runbookBlocks(plan).length;
    return `Apply will walk you through ${plural(screens, 'Setup screen')} in Zoho CRM (${plural(n, 'manual step')}).`;
  }
  // apiCallsOf counts writes only (batches of 100 ids): apply also reads the org again first,
  // and ZPI_STATS_FILE counts every call, reads and the token included.
  return `Apply will make about ${plural(apiCallsOf(plan), 'write call')}.`;
}

/** `quote` renders the manifest's name: escaped for a terminal by default, for Markdown in a comment. */
export function noChangesLine(plan: Plan, quote: (text: string) => string = terminalText): string {
  // Real Zoho: what is compared is the record of what was applied or confirmed in Setup.
  const what = plan.manual && plan.record ? 'The record' : 'Live state';
  return `No changes. ${what} matches ${quote(plan.manifest.file)}.`;
}

export function brakeLine(plan: Plan): string | null {
  const b = plan.brake;
  if (!b) return null;
  return (
    `Mass-revoke brake: this plan revokes ${formatCount(b.revoking)} of the ${plural(b.withAccess, 'user')} with access (${b.pct}%), ` +
    `more than --max-revoke ${b.maxPct}%, so every revoke counts as destructive.`
  );
}

export const MANUAL_NOTE =
  "Zoho publishes no API for the integration's settings: apply shows the runbook one Setup screen at a time, " +
  'asks you to confirm each is done, and records it (a stopped run resumes where it stopped).';
