import type { ErrorInfo } from '../model/apply-events.js';
import { ApplyStopped, UserError, ZohoApiError } from '../model/errors.js';
import type { GrantUserStep, RevokeUserStep, SetProfilePermissionsStep, SetUserPermissionsStep, Step } from '../model/plan.js';
import type { Redactor } from '../model/redactor.js';
import type { ItemResult, Provider } from '../provider/provider.js';
import { withRetry, type RetryPolicy } from '../retry/retry-policy.js';
import type { Unit } from './group-steps.js';

export interface CallContext {
  provider: Provider;
  env: Record<string, string | undefined>;
  policy: RetryPolicy;
  /** Before each retry's wait. */
  onRetry: (err: ZohoApiError, attempt: number) => void;
  /** Masks values that must never reach an event or a message (the ZSC key once read). */
  secrets: Redactor;
  /** Aborted (with an ApplyStopped reason): no further attempt; a retry wait ends at once. */
  signal?: AbortSignal;
}

export interface UnitOutcome {
  /** Per step of the unit, in order: undefined when it took effect, else why not. */
  errors: (ErrorInfo | undefined)[];
  attempts: number;
  retries: number;
  ms: number;
}

/**
 * Makes the unit's one provider call under the retry policy and maps the answer back to its steps.
 * A thrown ZohoApiError fails every step of the call; per-item results (HTTP 200 with a code per item)
 * fail only their own step. Errors that are not UserErrors are bugs and propagate.
 */
export async function callUnit(unit: Unit, ctx: CallContext): Promise<UnitOutcome> {
  const steps = unit.steps.map((s) => s.step);
  let attempts = 0;
  let retries = 0;
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  try {
    const items = await withRetry(
      () => {
        attempts++;
        return invoke(steps, ctx);
      },
      ctx.policy,
      (err, attempt) => {
        retries++;
        ctx.onRetry(err, attempt);
      },
      ctx.signal,
    );
    const errors = items ? steps.map((s) => itemError(s, items, ctx.secrets)) : steps.map(() => undefined);
    return { errors, attempts, retries, ms: ms() };
  } catch (err) {
    if (err instanceof ApplyStopped) {
      // Stopped between attempts: whether the failed attempts took effect is unknown; a re-plan tells.
      return { errors: steps.map(() => ({ code: err.code, message: err.message })), attempts, retries, ms: ms() };
    }
    if (!(err instanceof UserError)) throw err;
    const hinted = withHint(errorInfo(err, ctx.secrets), steps[0]);
    // More than one attempt means the retries ran out: say how hard zpi tried.
    const info = attempts > 1 ? { ...hinted, message: `${hinted.message} (gave up after ${attempts} attempts)` } : hinted;
    return { errors: steps.map(() => info), attempts, retries, ms: ms() };
  }
}

/** Calls the provider method for the steps' kind; undefined for whole-call methods (no items). */
async function invoke(steps: Step[], ctx: CallContext): Promise<ItemResult[] | undefined> {
  const p = ctx.provider;
  const first = steps[0];
  if (!first) return [];
  // groupSteps puts steps of one kind in a unit, so the casts below hold.
  switch (first.kind) {
    case 'deactivate':
      await p.deactivate();
      return undefined;
    case 'associate-portal':
    case 'change-portal': {
      // Read at the last moment and only here (preflight checked it is set); never logged.
      const zscKey = ctx.env[first.after.zscKeyVar] ?? '';
      ctx.secrets.add(zscKey);
      const input = { portalId: first.after.portal.id, zscKey, email: first.after.zscEmail };
      await (first.kind === 'change-portal' ? p.changePortal(input) : p.associatePortal(input));
      return undefined;
    }
    case 'set-profile-permissions':
      return p.setProfilePermissions(
        (steps as SetProfilePermissionsStep[]).map((s) => ({ profileId: s.profile.id, profile: s.profile.name, permissions: s.after })),
      );
    case 'grant-user':
      return p.grantUsers((steps as GrantUserStep[]).map((s) => (s.override ? { userId: s.user.id, permissions: s.override } : { userId: s.user.id })));
    case 'revoke-user':
      return p.revokeUsers((steps as RevokeUserStep[]).map((s) => s.user.id));
    case 'set-user-permissions':
      return p.setUserPermissions(
        (steps as SetUserPermissionsStep[]).map((s) => ({ userId: s.user.id, permissions: s.after })),
      );
  }
}

/** The item answering for `step`: by user id, or by profile name (the Provider contract) or id. */
function itemError(step: Step, items: ItemResult[], secrets: Redactor): ErrorInfo | undefined {
  const keys =
    step.kind === 'set-profile-permissions'
      ? [step.profile.name, step.profile.id]
      : 'user' in step
        ? [step.user.id]
        : [];
  const item = items.find((i) => keys.includes(i.id));
  // No answer for an item means we cannot tell it took effect; a re-run will plan it again if not.
  if (!item) return { code: 'NO_RESULT', message: `Zoho's answer has no result for ${step.target}` };
  if (item.ok) return undefined;
  return { code: item.code, message: secrets.redact(item.message) };
}

/** What to check when Zoho refuses the key: the variable and the email, by name (never the key). */
function withHint(info: ErrorInfo, step: Step | undefined): ErrorInfo {
  if ((step?.kind !== 'associate-portal' && step?.kind !== 'change-portal') || info.code !== 'INVALID_ZSC_KEY') return info;
  const { zscKeyVar, zscEmail, portal } = step.after;
  const unchanged = step.kind === 'change-portal' ? `nothing was changed (portal ${step.before.portal.name} is still associated); ` : '';
  const hint = `${unchanged}check that $${zscKeyVar} holds the ZSC key of portal ${portal.name} and that ${zscEmail} is the email it belongs to`;
  return { ...info, message: `${info.message}; ${hint}` };
}

function errorInfo(err: UserError, secrets: Redactor): ErrorInfo {
  const code = err instanceof ZohoApiError ? err.code : 'ERROR';
  // Belt and braces: a server echoing the key back must not put it on a terminal or in CI logs.
  return { code, message: secrets.redact(err.message) };
}
