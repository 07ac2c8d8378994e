import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../src/provider/endpoints.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PROJECTS_BUDGET } from '../../../src/provider/pacer.js';
import { ZohoClient } from '../../../src/provider/zoho-client.js';
import { ADMIN_CREDS, FAST_RETRY, provider, sandbox, seed, sleep } from './helpers.js';

/**
 * The client with its default pace against a sandbox enforcing Zoho's real limits, as
 * `npm run bench` runs it: CRM's 5 concurrent calls, Projects' 100 calls per 2 minutes. No retries
 * anywhere: a single 429 fails the test.
 */
const ZOHO_LIMITS = 'concurrency=5,projects=100/120s';
const NO_RETRY = { ...FAST_RETRY, retries: 0 };

describe(`the default pace against the sandbox's ${ZOHO_LIMITS}`, () => {
  it('defaults are under both limits', () => {
    expect(DEFAULT_CONCURRENCY).toBe(5);
    expect(DEFAULT_PROJECTS_BUDGET.calls).toBeLessThan(100);
    expect(DEFAULT_PROJECTS_BUDGET.windowMs).toBeGreaterThanOrEqual(120_000);
  });

  it('reads a 3,000-user org with never more than 5 calls in flight and no 429, at the floor', async () => {
    const sb = await sandbox({ seed: seed({ extraUsers: 3000 }), limits: ZOHO_LIMITS, faults: 'latency=5ms' });
    const p = provider(sb, { retry: NO_RETRY });
    const live = await p.read();
    expect(live.users).toHaveLength(3026);
    // token + org + current user + profiles + portals + integration + 16 pages of 200 users.
    expect(p.stats()).toMatchObject({ calls: 6 + 16, retries: 0, throttled: 0 });
    expect(sb.stats().byStatus['429']).toBeUndefined();
    expect(sb.stats().maxInFlight).toBeLessThanOrEqual(5);
  });

  it('a burst of 90 Projects calls among 150 CRM calls: all answered, no 429, never more than 5 in flight', async () => {
    const sb = await sandbox({ limits: ZOHO_LIMITS, faults: 'latency=2ms' });
    const c = new ZohoClient({ endpoints: resolveEndpoints({ endpoint: sb.url }), credentials: ADMIN_CREDS, retry: NO_RETRY });
    const calls = [
      ...Array.from({ length: 90 }, () => c.get('projects', '/restapi/portals/')),
      ...Array.from({ length: 150 }, (_, i) => c.get('api', i % 2 ? '/crm/v8/org' : '/crm/v8/settings/profiles')),
    ];
    const answers = await Promise.all(calls);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(sb.stats().byStatus['429']).toBeUndefined();
    expect(sb.stats().maxInFlight).toBeLessThanOrEqual(5);
    expect(c.stats()).toMatchObject({ calls: 241, throttled: 0, maxInFlight: 5 });
  });

  it('holds the 91st Projects call back until the window has room: it waits, it never earns the 429 (and the lockout)', async () => {
    const sb = await sandbox({ limits: ZOHO_LIMITS });
    // The pacer's clock, moved on by hand instead of waiting two minutes; the sandbox keeps real time.
    let skew = 0;
    const c = new ZohoClient({
      endpoints: resolveEndpoints({ endpoint: sb.url }),
      credentials: ADMIN_CREDS,
      retry: NO_RETRY,
      now: () => Date.now() + skew,
    });
    let settled = 0;
    const burst = Array.from({ length: 95 }, () => c.get('projects', '/restapi/portals/').finally(() => void settled++));
    while (settled < 90) await sleep(5);
    await sleep(300);
    // 90 went out; 5 wait in the client. The server saw 90 of its 100 and refused none.
    expect(settled).toBe(90);
    expect(sb.stats().byStatus).toEqual({ '200': 91 }); // and the token
    // CRM calls do not wait for the Projects budget.
    expect((await c.get('api', '/crm/v8/org')).status).toBe(200);
    expect(settled).toBe(90);

    // Two minutes later (for the client), the waiting calls go, and the server still refuses none.
    skew = DEFAULT_PROJECTS_BUDGET.windowMs + 1;
    await c.get('api', '/crm/v8/org'); // a call ending wakes the pacer, as its timer would
    const answers = await Promise.all(burst);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(sb.stats().byStatus['429']).toBeUndefined();
    expect(sb.stats().requests).toBe(1 + 95 + 2);
  });
});
