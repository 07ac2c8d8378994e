import type { Plan } from '../model/plan.js';
import { terminalText } from './safe-text.js';

/** "Plan: 1 to add, 3 to change, 1 to remove. 1 destructive — apply needs --allow-destructive." */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const needs = s.destructive > 0 && !plan.options.allowDestructive ? ' — apply needs --allow-destructive' : '';
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.remove} to remove. ${s.destructive} destructive${needs}.`;
}

/** What apply will do on the wire, or by hand when Zoho has no API for the settings. */
export function effortLine(plan: Plan): string {
  if (plan.manual) {
    const n = plan.steps.filter((s) => s.manual).length;
    return `Apply will walk you through ${n} manual Setup step${n === 1 ? '' : 's'} in Zoho CRM.`;
  }
  return `Apply will make about ${plan.apiCalls} API call${plan.apiCalls === 1 ? '' : 's'}.`;
}

/** `quote` renders the manifest's name: escaped for a terminal by default, for Markdown in a comment. */
export function noChangesLine(plan: Plan, quote: (text: string) => string = terminalText): string {
  return `No changes. Live state matches ${quote(plan.manifest.file)}.`;
}

export function brakeLine(plan: Plan): string | null {
  const b = plan.brake;
  if (!b) return null;
  return (
    `Mass-revoke brake: this plan revokes ${b.revoking} of the ${b.withAccess} users with access (${b.pct}%), ` +
    `more than --max-revoke ${b.maxPct}%, so every revoke counts as destructive.`
  );
}

export const MANUAL_NOTE =
  "Zoho publishes no API for the integration's settings: apply shows each step's Setup instructions and " +
  'asks you to confirm it is done.';
