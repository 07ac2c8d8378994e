import pRetry from 'p-retry';
import { ZohoApiError } from '../model/errors.js';

/**
 * How failed calls are retried: data, kept apart from the loop that runs it (octokit plugin-retry's
 * habit), so the client, the executor and tests share one policy and tests shrink delays to ~1 ms.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (so up to retries + 1 attempts). */
  retries: number;
  /** Delay before the first retry. */
  minTimeoutMs: number;
  /** Cap on one backoff delay. */
  maxTimeoutMs: number;
  /** Exponential factor between successive delays. */
  factor: number;
  /** Jitter: multiplies each delay by a random factor in [1, 2) so parallel callers spread out. */
  randomize: boolean;
  /** Cap on how long a server's Retry-After can make us wait (Zoho Projects locks out for 30 min). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 6,
  minTimeoutMs: 250,
  maxTimeoutMs: 20_000,
  factor: 2,
  randomize: true,
  maxRetryAfterMs: 60_000,
});

/** Fills a partial policy from the defaults. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_RETRY_POLICY, ...defined };
}

/**
 * Errors a withRetry series already gave up on. Retry loops nest (a read's retries wrap the token grant's,
 * the executor's wrap a write's), and an enclosing loop must not run the whole inner series again for
 * each of its own attempts: with Zoho's accounts server down that nesting turned a ~30 s failure into
 * minutes. The error itself is unchanged (still `retryable`, as classified); only retrying stops.
 */
const exhausted = new WeakSet<object>();

/** Only Zoho/transport errors the parser marked retryable (429, 5xx, reset, refused, timeout), and not already retried out. */
export function isRetryable(err: unknown): err is ZohoApiError {
  return err instanceof ZohoApiError && err.retryable && !exhausted.has(err);
}

/**
 * The wait before the retry that follows `retriesConsumed` earlier retries: exponential backoff with
 * jitter (p-retry's formula), and never shorter than the server's Retry-After (capped by maxRetryAfterMs).
 * Computed here rather than inside p-retry so the caller can be told how long the wait will be.
 */
export function retryDelay(policy: RetryPolicy, retriesConsumed: number, retryAfterMs?: number): number {
  const jitter = policy.randomize ? 1 + Math.random() : 1;
  const backoff = Math.min(Math.round(jitter * policy.minTimeoutMs * policy.factor ** retriesConsumed), policy.maxTimeoutMs);
  return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** Resolves after ms; an aborted signal rejects at once with the signal's reason. */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as unknown);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs fn, retrying retryable ZohoApiErrors with exponential backoff and jitter (p-retry).
 * When the error carries retryAfterMs, the wait before the next attempt is at least that long
 * (capped by maxRetryAfterMs). Any other error, and p-retry's AbortError, stops at once and is
 * rethrown as is. onRetry runs before each retry's wait with the error, the failed attempt's number
 * (1-based) and the wait about to start in ms; a throw from it stops retrying. An aborted `signal` ends
 * the wait for the next attempt at once and rejects with the signal's reason (the attempt in flight is
 * not cut short).
 */
export function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  onRetry?: (err: ZohoApiError, attempt: number, delayMs: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  // Not p-retry's own `signal`: it throws away the result of an attempt that finished after the abort,
  // so a write that took effect would be reported as not done. The signal is checked before each
  // attempt and ends the wait between attempts instead.
  const attempt = (n: number): Promise<T> => {
    signal?.throwIfAborted();
    return fn(n);
  };
  const run = pRetry(attempt, {
    retries: policy.retries,
    // p-retry's own wait is zero: the wait happens in onFailedAttempt, where its length is known.
    minTimeout: 0,
    maxTimeout: 0,
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
      if (retriesLeft <= 0 || !isRetryable(error)) return;
      const delay = retryDelay(policy, retriesConsumed, error.retryAfterMs);
      onRetry?.(error, attemptNumber, delay);
      await wait(delay, signal);
    },
  });
  return run.catch((err: unknown) => {
    if (isRetryable(err)) exhausted.add(err);
    throw err;
  });
}
