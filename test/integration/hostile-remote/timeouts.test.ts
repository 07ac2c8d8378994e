import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../src/provider/endpoints.js';
import {
  DEFAULT_READ_DEADLINE_MS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_WAIT_NOTICE_MS,
  ZohoClient,
} from '../../../src/provider/zoho-client.js';
import { limitsFromEnv } from '../../../src/provider/zoho-provider.js';
import { CREDS, count, fakeZoho, json, pathOf, provider, rejection } from './fake-zoho.js';

/**
 * Timeouts: a per-call timeout, one deadline for a command's reads, and lines for the person waiting
 * (a slow answer, each retry's wait). Tests run the same logic at small values and assert on
 * messages and request counts, never on how long something took.
 */

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Retries that can never run out before a deadline of a few hundred ms: the deadline must end them. */
const ENDLESS = { retries: 10_000, minTimeoutMs: 1, maxTimeoutMs: 1, factor: 1, randomize: false, maxRetryAfterMs: 1 };

describe('a server that accepts and never answers', () => {
  it('the defaults name it on stderr within 40 s and give up within two minutes', () => {
    expect(DEFAULT_WAIT_NOTICE_MS).toBeLessThanOrEqual(40_000);
    expect(DEFAULT_TIMEOUT_MS).toBeLessThan(DEFAULT_READ_DEADLINE_MS);
    expect(DEFAULT_READ_DEADLINE_MS).toBeLessThan(120_000);
  });

  it('at the defaults scaled down 100×: named while waiting, each retry announced, given up on at the deadline naming the call', async () => {
    const zoho = await fakeZoho((req) => pathOf(req) === '/oauth/v2/token'); // accepts, never answers
    const lines: string[] = [];
    const p = provider(zoho, {
      timeoutMs: DEFAULT_TIMEOUT_MS / 100,
      readDeadlineMs: DEFAULT_READ_DEADLINE_MS / 100,
      waitNoticeMs: DEFAULT_WAIT_NOTICE_MS / 100,
      retry: ENDLESS,
      onWait: (l) => lines.push(l),
    });
    const t0 = performance.now();
    const err = await rejection(p.read());
    const took = performance.now() - t0;
    console.log(`hostile-remote: silent token server at the defaults ÷100 given up after ${Math.round(took)} ms (×100 = ${(took / 10).toFixed(0)} s)`);
    expect(err).toMatchObject({ code: 'DEADLINE', retryable: false });
    expect(err.message).toMatch(/^reading the live state stopped after 1.1 s \(ZPI_READ_DEADLINE\): still waiting for (.*, )?POST \/oauth\/v2\/token(, |$)/);
    expect(err.message).toContain('GET /crm/v8/org');
    expect(lines[0]).toMatch(/^waiting for POST \/oauth\/v2\/token \(\d+ ms so far\)…$/);
    expect(lines).toContain('retrying POST /oauth/v2/token (attempt 2 of 10001) in 1 ms…');
    // Only token calls were made (the reads waited for it), each one timed out before the next.
    const tokenCalls = count(zoho, '/oauth/v2/token');
    expect(zoho.seen.length).toBe(tokenCalls);
    expect(tokenCalls).toBeGreaterThanOrEqual(2);
    // It ended at the deadline (DEADLINE, "after 1.1 s" above), not by running out of its 10,001 attempts.
    expect(tokenCalls).toBeLessThan(10_001);
    // Nothing goes on after the read gave up: no retry, no queued call.
    await sleep(DEFAULT_TIMEOUT_MS / 100 + 100);
    expect(zoho.seen.length).toBe(tokenCalls);
  });

  it('a silent API host after a good token: the deadline names the reads still waiting', async () => {
    const zoho = await fakeZoho((req) => pathOf(req) === '/crm/v8/settings/profiles');
    const p = provider(zoho, { timeoutMs: 100, readDeadlineMs: 400, retry: ENDLESS });
    const err = await rejection(p.read());
    expect(err.message).toBe('reading the live state stopped after 400 ms (ZPI_READ_DEADLINE): still waiting for GET /crm/v8/settings/profiles');
    const asked = count(zoho, '/crm/v8/settings/profiles');
    await sleep(200);
    expect(count(zoho, '/crm/v8/settings/profiles')).toBe(asked);
  });

  it('readLinks has the deadline too', async () => {
    const zoho = await fakeZoho((req) => pathOf(req).endsWith('/links/count'));
    const err = await rejection(provider(zoho, { timeoutMs: 100, readDeadlineMs: 300, retry: ENDLESS }).readLinks());
    expect(err.message).toBe('reading link counts stopped after 300 ms (ZPI_READ_DEADLINE): still waiting for GET /crm/v8/settings/integrations/zoho_projects/links/count');
  });

  it('one call times out with a message naming the timeout; "so far" comes from the injected clock', async () => {
    const zoho = await fakeZoho((req) => pathOf(req) === '/crm/v8/users');
    const lines: string[] = [];
    let t = 0;
    const c = new ZohoClient({
      endpoints: resolveEndpoints({ endpoint: zoho.url }),
      credentials: CREDS,
      retry: { ...ENDLESS, retries: 0 },
      timeoutMs: 300,
      waitNoticeMs: 20,
      now: () => (t += 12_000),
      onWait: (l) => lines.push(l),
    });
    const err = await rejection(c.get('api', '/crm/v8/users', { type: 'AllUsers' }));
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(err.message).toBe(`GET ${zoho.url}/crm/v8/users → TIMEOUT: no answer within 300 ms (ZPI_CALL_TIMEOUT)`);
    // Each reading of the clock moves it 12 s on, so every line says 12 s, however slow this machine.
    expect(lines).toContain('waiting for GET /crm/v8/users (12 s so far)…');
    expect(count(zoho, '/crm/v8/users')).toBe(1);
  });
});

describe('retries are announced', () => {
  it('one line before each retry wait: the call, the attempt, the wait', async () => {
    let n = 0;
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/crm/v8/org') return false;
      if (++n === 1) json(res, 503, { code: 'INTERNAL_ERROR', message: 'busy', status: 'error' });
      else if (n === 2) json(res, 429, { code: 'TOO_MANY_REQUESTS', message: 'slow down', status: 'error' }, { 'retry-after': '4' });
      else return false;
      return true;
    });
    const lines: string[] = [];
    const p = provider(zoho, { retry: { retries: 4, minTimeoutMs: 5, maxTimeoutMs: 5, factor: 1, randomize: false, maxRetryAfterMs: 40 }, onWait: (l) => lines.push(l) });
    await p.read();
    expect(lines).toEqual(['retrying GET /crm/v8/org (attempt 2 of 5) in 5 ms…', 'retrying GET /crm/v8/org (attempt 3 of 5) in 40 ms…']);
  });
});

describe('ZPI_CALL_TIMEOUT and ZPI_READ_DEADLINE', () => {
  it('take a duration; a bare number is seconds', () => {
    expect(limitsFromEnv({ ZPI_CALL_TIMEOUT: '200ms', ZPI_READ_DEADLINE: '2m' })).toEqual({ timeoutMs: 200, readDeadlineMs: 120_000 });
    expect(limitsFromEnv({ ZPI_CALL_TIMEOUT: '45', ZPI_READ_DEADLINE: '1.5s' })).toEqual({ timeoutMs: 45_000, readDeadlineMs: 1500 });
    expect(() => limitsFromEnv({ ZPI_CALL_TIMEOUT: 'soon' })).toThrow('ZPI_CALL_TIMEOUT="soon": expected a duration such as 30s, 500ms or 2m');
    expect(() => limitsFromEnv({ ZPI_READ_DEADLINE: '-1s' })).toThrow(/^ZPI_READ_DEADLINE="-1s"/);
  });
});
