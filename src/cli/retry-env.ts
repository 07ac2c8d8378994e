import type { RetryPolicy } from '../retry/retry-policy.js';

/**
 * Retry tuning from the environment: ZPI_RETRIES, ZPI_RETRY_MIN_MS, ZPI_RETRY_MAX_MS (also caps how long a
 * Retry-After is honoured). Useful to make fault-injection runs against the sandbox fast.
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): Partial<RetryPolicy> {
  const num = (v: string | undefined): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const policy: Partial<RetryPolicy> = {};
  const retries = num(env.ZPI_RETRIES);
  const min = num(env.ZPI_RETRY_MIN_MS);
  const max = num(env.ZPI_RETRY_MAX_MS);
  if (retries !== undefined) policy.retries = retries;
  if (min !== undefined) policy.minTimeoutMs = min;
  if (max !== undefined) {
    policy.maxTimeoutMs = max;
    policy.maxRetryAfterMs = max;
  }
  return policy;
}
