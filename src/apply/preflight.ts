import { escapeControls, UserError } from '../model/errors.js';
import type { Plan, Step } from '../model/plan.js';

const LISTED = 3;

/**
 * Everything that can refuse an apply is checked here, before the first write, so a refusal leaves the
 * org untouched. Throws a UserError with one line.
 */
export function preflight(plan: Plan, env: Record<string, string | undefined>, allowDestructive: boolean): void {
  const destructive = plan.steps.filter((s) => s.destructive);
  if (destructive.length > 0 && !allowDestructive && !plan.options.allowDestructive) {
    throw new UserError(
      `plan has ${destructive.length} destructive step${destructive.length === 1 ? '' : 's'} (${describe(destructive, plan)}); re-run with --allow-destructive`,
    );
  }
  for (const step of plan.steps) {
    // A manual associate is typed into Setup by the admin: zpi never sends the key, so it needs none.
    if ((step.kind !== 'associate-portal' && step.kind !== 'change-portal') || plan.manual) continue;
    const name = step.after.zscKeyVar;
    if (!name) {
      throw new UserError(`the ${step.kind} step for ${step.target} names no ZSC key variable; set portal.zscKey: \${NAME}`);
    }
    if (!env[name]) {
      throw new UserError(`ZSC key variable $${name} is not set; the ${step.kind} step needs it`);
    }
  }
}

/** "change portal acme-projects → acme-newco, revoking 30 of 40 users with access (75% > 25%)", kept short. */
function describe(steps: Step[], plan: Plan): string {
  const brake = plan.brake;
  const revokes = steps.filter((s) => s.kind === 'revoke-user');
  const others = steps.filter((s) => s.kind !== 'revoke-user');
  const parts = others.map(destructiveLabel);
  if (revokes.length > 0 && brake) {
    parts.push(
      `revoking ${brake.revoking} of ${brake.withAccess} users with access (${Math.round(brake.pct)}% > ${brake.maxPct}%)`,
    );
  } else {
    parts.push(...revokes.map(destructiveLabel));
  }
  return parts.length > LISTED ? `${parts.slice(0, LISTED).join(', ')} and ${parts.length - LISTED} more` : parts.join(', ');
}

/**
 * What a destructive step does, in the words of the comment above. plan() marks only these and
 * revokes (the brake) destructive; any other is named by its kind and target.
 */
function destructiveLabel(step: Step): string {
  if (step.kind === 'change-portal') return `change portal ${step.before.portal.name} → ${step.target}`;
  if (step.kind === 'deactivate') return 'deactivate the integration';
  return `${step.kind === 'revoke-user' ? 'revoke' : step.kind} ${escapeControls(step.target)}`;
}
