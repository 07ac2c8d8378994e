import type { ApplyEvent, ApplyResult, StepRef } from '../model/apply-events.js';
import { MAX_BATCH } from '../model/batch.js';
import { ApplyStopped } from '../model/errors.js';
import { summaryBucket, type Plan, type Step } from '../model/plan.js';
import { Redactor } from '../model/redactor.js';
import { screenOf } from '../model/runbook.js';
import type { Provider } from '../provider/provider.js';
import { retryPolicy } from '../retry/retry-policy.js';
import { callUnit, type CallContext } from './call-unit.js';
import type { ExecuteOptions } from './execute-options.js';
import { groupSteps, type IndexedStep } from './group-steps.js';
import { preflight } from './preflight.js';

const COUNTED = { add: 'added', change: 'changed', remove: 'removed' } as const;

/**
 * Carries out a plan's steps in order against `provider`. Refusals (destructive steps not allowed,
 * ZSC key variable unset) throw a UserError before the first write. After that it never throws for
 * Zoho's answers: a failed step stops the run and the result says which, what was done and what is
 * left; since every write is idempotent, re-planning and applying again converges.
 */
export async function executePlan(plan: Plan, provider: Provider, opts: ExecuteOptions): Promise<ApplyResult> {
  preflight(plan, opts.env, opts.allowDestructive);
  const started = performance.now();
  const total = plan.steps.length;
  const emit = (e: ApplyEvent): void => opts.onEvent?.(e);
  const ref = ({ step, index }: IndexedStep): StepRef => ({
    stepId: step.id,
    index,
    total,
    kind: step.kind,
    action: step.action,
    target: step.target,
  });

  const doneIds = new Set<string>();
  const counts = { added: 0, changed: 0, removed: 0 };
  const markDone = (step: Step): void => {
    doneIds.add(step.id);
    counts[COUNTED[summaryBucket(step)]]++;
  };
  let calls = 0;
  let retries = 0;
  let failed: ApplyResult['failed'];
  let stopped: ApplyResult['stopped'];
  let manualStop: ApplyResult['manualStop'];
  const secrets = new Redactor();
  const policy = retryPolicy(opts.retry);

  const stopReason = (): ApplyResult['stopped'] => {
    const reason: unknown = opts.signal?.reason;
    return reason instanceof ApplyStopped ? { code: reason.code, message: reason.message } : { code: 'INTERRUPTED', message: 'interrupted' };
  };

  for (const unit of groupSteps(plan, opts.batchSize ?? MAX_BATCH)) {
    // Between calls is where a stop is clean: every step so far either took effect or failed.
    if (opts.signal?.aborted) {
      stopped = stopReason();
      break;
    }
    if (unit.manual) {
      const first = unit.steps[0] as IndexedStep;
      const confirmed = await confirm(unit.steps, opts, emit, ref);
      if (confirmed === true) {
        for (const s of unit.steps) markDone(s.step);
        // Recorded at once: a run stopped later resumes after this block.
        opts.journal?.done(unit.steps.map((s) => s.step));
        continue;
      }
      // Stopped while the admin was asked: that is the reason, not the step.
      if (opts.signal?.aborted) stopped = stopReason();
      else manualStop = { ...ref(first), reason: confirmed, steps: unit.steps.length };
      break;
    }

    for (const s of unit.steps) emit({ type: 'step_started', manual: false, ...ref(s) });
    // Written down before the call: if zpi dies during it, the next plan knows the call may have landed.
    opts.journal?.starting(unit.steps.map((s) => s.step));
    const ctx: CallContext = {
      provider,
      env: opts.env,
      policy,
      secrets,
      ...(opts.signal && { signal: opts.signal }),
      onRetry: (err, attempt) => {
        const first = unit.steps[0] as IndexedStep;
        emit({
          type: 'step_retried',
          ...ref(first),
          attempt: attempt + 1,
          retries: attempt,
          stepIds: unit.steps.map((s) => s.step.id),
          error: { code: err.code, message: secrets.redact(err.message) },
          ...(err.retryAfterMs !== undefined ? { delayMs: Math.min(err.retryAfterMs, policy.maxRetryAfterMs) } : {}),
        });
      },
    };
    const outcome = await callUnit(unit, ctx);
    calls += outcome.attempts;
    retries += outcome.retries;
    // The call's retries and time belong to every step it carried.
    const stats = { retries: outcome.retries, ms: outcome.ms };
    opts.journal?.done(unit.steps.filter((_, i) => !outcome.errors[i]).map((s) => s.step));
    unit.steps.forEach((s, i) => {
      const error = outcome.errors[i];
      if (error) {
        // Started and not finished because the run was stopped: reported as such, not as Zoho's failure.
        if (error.code === 'INTERRUPTED' || error.code === 'LOCK_LOST') stopped ??= stopReason();
        else failed ??= { ...ref(s), ...error };
        emit({ type: 'step_failed', ...ref(s), ...stats, error });
      } else {
        markDone(s.step);
        emit({ type: 'step_done', manual: false, ...ref(s), ...stats });
      }
    });
    if (failed || stopped) break;
  }

  const result: ApplyResult = {
    ok: doneIds.size === total,
    done: plan.steps.filter((s) => doneIds.has(s.id)).map((s) => s.id),
    ...(failed ? { failed } : {}),
    ...(stopped ? { stopped } : {}),
    remaining: plan.steps.filter((s) => !doneIds.has(s.id)).map((s) => s.id),
    ...(manualStop ? { stoppedAtManual: manualStop.stepId, manualStop } : {}),
    counts,
    calls,
    retries,
    ms: Math.round(performance.now() - started),
  };
  emit({ type: 'summary', ...result });
  return result;
}

/**
 * Manual steps of one Setup screen visit: Zoho has no API for them, so an admin does them in Setup
 * and says so. true when done; otherwise why the run stops there. Without a callback nobody can say
 * so: stop before them.
 */
async function confirm(
  steps: IndexedStep[],
  opts: ExecuteOptions,
  emit: (e: ApplyEvent) => void,
  ref: (s: IndexedStep) => StepRef,
): Promise<true | 'cannot-confirm' | 'not-confirmed'> {
  if (!opts.confirmManual) return 'cannot-confirm';
  for (const s of steps) emit({ type: 'step_started', manual: true, ...ref(s) });
  const started = performance.now();
  const first = steps[0] as IndexedStep;
  const block = { screen: screenOf(first.step), steps: steps.map((s) => s.step), first: first.index };
  if (!(await opts.confirmManual(block))) return 'not-confirmed';
  const ms = Math.round(performance.now() - started);
  for (const s of steps) emit({ type: 'step_done', manual: true, ...ref(s), retries: 0, ms });
  return true;
}
