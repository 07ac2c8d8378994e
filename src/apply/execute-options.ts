import type { ApplyEvent } from '../model/apply-events.js';
import type { Step } from '../model/plan.js';
import type { RunbookBlock } from '../model/runbook.js';
import type { RetryPolicy } from '../retry/retry-policy.js';

export interface ExecuteOptions {
  /** The ZSC key is read from here, and only when an associate-portal step runs. */
  env: Record<string, string | undefined>;
  /** Overrides of DEFAULT_RETRY_POLICY (tests shrink delays to ~1 ms). */
  retry?: Partial<RetryPolicy>;
  /** plan.options.allowDestructive || --allow-destructive on apply. */
  allowDestructive: boolean;
  /**
   * On a terminal: shows the Setup instructions of one screen visit (consecutive manual steps on one
   * screen); resolves true once the admin has done them all. Without it nobody can confirm manual
   * steps, and the run stops before the first one.
   */
  confirmManual?: (block: RunbookBlock) => Promise<boolean>;
  /**
   * Told, synchronously, the steps a call is about to carry (it may land even if zpi dies during it)
   * and then the steps that took effect, and the steps of each confirmed manual block: the record
   * (DESIGN §5a) is written from these. A throw stops the run.
   */
  journal?: { starting(steps: Step[]): void; done(steps: Step[]): void };
  onEvent?: (e: ApplyEvent) => void;
  /** Items per batched call (grants, revokes, permissions); default MAX_BATCH (Zoho's limit). */
  batchSize?: number;
  /**
   * Aborted with an ApplyStopped reason (SIGINT/SIGTERM, the apply lock lost): the call in flight
   * finishes, a retry wait ends at once, and no further call is made. The summary says so.
   */
  signal?: AbortSignal;
}
