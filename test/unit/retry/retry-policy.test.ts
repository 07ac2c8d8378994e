import { AbortError } from 'p-retry';
import { describe, expect, it, vi } from 'vitest';
import { UserError, ZohoApiError } from '../../../src/model/errors.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryPolicy, withRetry, type RetryPolicy } from '../../../src/retry/retry-policy.js';

const fast: RetryPolicy = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 1, factor: 1, randomize: false, maxRetryAfterMs: 1000 };
const transient = (retryAfterMs?: number) => new ZohoApiError(503, 'INTERNAL_ERROR', 'busy', true, retryAfterMs);

/** fn failing with the given errors in turn, then answering "done". */
function script(...errors: Error[]) {
  let calls = 0;
  const fn = async (attempt: number) => {
    calls++;
    expect(attempt).toBe(calls);
    const e = errors[calls - 1];
    if (e) throw e;
    return 'done';
  };
  return { fn, calls: () => calls };
}

/**
 * Runs fn on fake timers, firing each timer as soon as it is the next one due: returns what fn
 * resolved to and how long that took on the fake clock (the waits fn asked for, to the millisecond).
 */
async function fakeElapsed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    const t0 = Date.now();
    const settled = fn().then((value) => ({ value, ms: Date.now() - t0 }));
    await vi.runAllTimersAsync();
    return await settled;
  } finally {
    vi.useRealTimers();
  }
}

describe('DEFAULT_RETRY_POLICY', () => {
  it('is exponential backoff with jitter', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ retries: 6, minTimeoutMs: 250, maxTimeoutMs: 20_000, factor: 2, randomize: true, maxRetryAfterMs: 60_000 });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });

  it('retryPolicy fills a partial policy and ignores undefined fields', () => {
    expect(retryPolicy({ retries: 2, minTimeoutMs: undefined })).toEqual({ ...DEFAULT_RETRY_POLICY, retries: 2 });
  });
});

describe('withRetry', () => {
  it('retries retryable ZohoApiErrors and reports each retry', async () => {
    const s = script(transient(), new ZohoApiError(0, 'ECONNRESET', 'reset', true));
    const seen: [string, number][] = [];
    await expect(withRetry(s.fn, fast, (e, n) => seen.push([e.code, n]))).resolves.toBe('done');
    expect(s.calls()).toBe(3);
    expect(seen).toEqual([
      ['INTERNAL_ERROR', 1],
      ['ECONNRESET', 2],
    ]);
  });

  it('stops at once on a non-retryable ZohoApiError', async () => {
    const s = script(new ZohoApiError(403, 'NO_PERMISSION', 'no', false));
    const onRetry = (): void => {
      throw new Error('must not be called');
    };
    await expect(withRetry(s.fn, fast, onRetry)).rejects.toMatchObject({ code: 'NO_PERMISSION' });
    expect(s.calls()).toBe(1);
  });

  it('stops at once on any other error, which is rethrown as is', async () => {
    const bug = new RangeError('bug');
    const s = script(bug);
    await expect(withRetry(s.fn, fast)).rejects.toBe(bug);
    const user = new UserError('user');
    await expect(withRetry(script(user).fn, fast)).rejects.toBe(user);
    expect(s.calls()).toBe(1);
  });

  it("stops at once on p-retry's AbortError, with its original error", async () => {
    const s = script(new AbortError(transient()));
    await expect(withRetry(s.fn, fast)).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(s.calls()).toBe(1);
  });

  it('gives up after `retries` retries with the last error and no extra onRetry', async () => {
    const s = script(transient(), transient(), transient(), new ZohoApiError(429, 'TOO_MANY_REQUESTS', 'last', true));
    let retries = 0;
    await expect(withRetry(s.fn, fast, () => retries++)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(s.calls()).toBe(4);
    expect(retries).toBe(3);
  });

  it('retries: 0 means one attempt', async () => {
    const s = script(transient());
    await expect(withRetry(s.fn, { ...fast, retries: 0 })).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(s.calls()).toBe(1);
  });

  it('waits at least Retry-After before the next attempt (fake clock)', async () => {
    const s = script(transient(120));
    expect(await fakeElapsed(() => withRetry(s.fn, fast))).toEqual({ value: 'done', ms: 120 });
  });

  it('caps Retry-After at maxRetryAfterMs (fake clock)', async () => {
    const s = script(transient(60_000));
    expect(await fakeElapsed(() => withRetry(s.fn, { ...fast, maxRetryAfterMs: 30 }))).toEqual({ value: 'done', ms: 30 });
  });

  it('backs off exponentially without Retry-After (fake clock)', async () => {
    const s = script(transient(), transient(), transient());
    // 20 + 40 + 80 ms
    expect(await fakeElapsed(() => withRetry(s.fn, { ...fast, minTimeoutMs: 20, maxTimeoutMs: 1000, factor: 2 }))).toEqual({ value: 'done', ms: 140 });
  });

  it('an enclosing retry loop does not rerun an inner series that already gave up (nested retries stay linear)', async () => {
    // An outer loop (a read) around an inner one (the token grant), both with 3 retries: the inner
    // series' final error must end the outer one, not start 3 more inner series (4 × 4 attempts).
    let inner = 0;
    const grant = () => withRetry(async () => {
      inner++;
      throw new ZohoApiError(0, 'ECONNREFUSED', 'refused', true);
    }, fast);
    let outer = 0;
    const err = await withRetry(async () => {
      outer++;
      return grant();
    }, fast).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
    expect(isRetryable(err)).toBe(false);
    expect([outer, inner]).toEqual([1, 4]);
    // A fresh error of the same kind is retried as before.
    expect(isRetryable(new ZohoApiError(0, 'ECONNREFUSED', 'refused', true))).toBe(true);
  });

  it('isRetryable is true only for retryable ZohoApiErrors', () => {
    expect(isRetryable(transient())).toBe(true);
    expect(isRetryable(new ZohoApiError(400, 'INVALID_DATA', 'x', false))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});

describe('withRetry and an abort', () => {
  it('keeps the result of an attempt that finished after the abort (a write that took effect is done)', async () => {
    const stop = new AbortController();
    const result = await withRetry(async () => {
      stop.abort(new Error('stopped'));
      return 'written';
    }, retryPolicy({ retries: 3, minTimeoutMs: 1, maxTimeoutMs: 1, randomize: false }), undefined, stop.signal);
    expect(result).toBe('written');
  });

  it('makes no further attempt once aborted, and ends the wait between attempts at once', async () => {
    const stop = new AbortController();
    let attempts = 0;
    const run = withRetry(async () => {
      attempts++;
      throw new ZohoApiError(503, 'INTERNAL_ERROR', 'busy', true);
    }, retryPolicy({ retries: 5, minTimeoutMs: 60_000, maxTimeoutMs: 60_000, randomize: false }), () => stop.abort(new Error('stopped')), stop.signal);
    await expect(run).rejects.toThrow('stopped');
    expect(attempts).toBe(1);
  });
});
