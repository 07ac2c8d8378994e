import type { StepAction, StepKind } from './plan.js';

/*
 * What an apply reports: progress events and its result. Vocabulary shared by the executor that emits
 * them (src/apply/) and the renderers that print them (src/render/apply-progress.ts).
 */

/** Which step an event or outcome is about; index is 1-based in plan order. */
export interface StepRef {
  stepId: string;
  index: number;
  total: number;
  kind: StepKind;
  action: StepAction;
  target: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/**
 * Progress events, JSON-able (`zpi apply --json` prints one per line). One step_started and one
 * step_done/step_failed per step, also when steps share a batched call: each then carries the call's
 * retries and time. A manual step the admin declines has only step_started; the summary says why.
 */
export type ApplyEvent =
  | ({ type: 'step_started'; manual: boolean } & StepRef)
  /**
   * One per retried call, before its wait: `attempt` is the attempt about to be made (2 = first retry),
   * `retries` the retries so far including it, `delayMs` the server's Retry-After if it sent one;
   * stepIds lists every step in that call (the ref is the first).
   */
  | ({ type: 'step_retried'; attempt: number; retries: number; stepIds: string[]; error: ErrorInfo; delayMs?: number } & StepRef)
  | ({ type: 'step_done'; manual: boolean; retries: number; ms: number } & StepRef)
  | ({ type: 'step_failed'; retries: number; ms: number; error: ErrorInfo } & StepRef)
  | ({ type: 'summary' } & ApplyResult);

export interface ApplyResult {
  /** Every step done. */
  ok: boolean;
  /** Ids of the steps done, in plan order. */
  done: string[];
  /** The first step that failed; the run stopped after its call. */
  failed?: StepRef & ErrorInfo;
  /** Ids of the steps not done (the failed one included), in plan order. */
  remaining: string[];
  /** Set when the run was stopped (a signal, the apply lock lost) before every step was done. */
  stopped?: { code: 'INTERRUPTED' | 'LOCK_LOST'; message: string };
  /** Id of the manual step the run stopped at. */
  stoppedAtManual?: string;
  /** Why it stopped there: nobody could confirm it (no terminal, --auto-approve), or the admin declined. */
  manualStop?: StepRef & { reason: 'cannot-confirm' | 'not-confirmed'; steps: number };
  /** Done steps by action; a replace counts as a change, as in the plan's summary line. */
  counts: { added: number; changed: number; removed: number };
  /**
   * Provider calls made by apply's executor to carry out the steps (the writes: one per batch of up
   * to MAX_BATCH ids), retried attempts included (apiCallsOf(plan) estimates them without retries). The reads
   * before them (the fresh plan, the token) are not in it; ZPI_STATS_FILE counts every call of the run.
   */
  calls: number;
  /** Attempts that were retries (calls - retries = distinct calls). */
  retries: number;
  ms: number;
}
