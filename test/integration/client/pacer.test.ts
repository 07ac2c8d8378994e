import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../src/provider/endpoints.js';
import { ZohoClient } from '../../../src/provider/zoho-client.js';
import { ADMIN_CREDS, FAST_RETRY, provider, sandbox, seed } from './helpers.js';

/** The sandbox enforces Zoho's limits; the client's pacer must keep under them by itself: zero 429s. */
describe('pacing against the sandbox limits', () => {
  it.each([1, 3, 5])('never more than %i in flight against the same server limit: no 429', async (n) => {
    const sb = await sandbox({ seed: seed({ extraUsers: 1400 }), limits: `concurrency=${n}`, faults: 'latency=5ms' });
    // No retries: a single 429 would fail the read.
    const p = provider(sb, { concurrency: n, retry: { ...FAST_RETRY, retries: 0 } });
    await Promise.all([p.read(), p.read(), p.readLinks(), p.read()]);
    expect(sb.stats().byStatus['429']).toBeUndefined();
    expect(p.stats().throttled).toBe(0);
    expect(sb.stats().maxInFlight).toBeLessThanOrEqual(n);
  });

  it('the same burst with the pacer set above the limit does earn 429s (the limit is real)', async () => {
    const sb = await sandbox({ seed: seed({ extraUsers: 1400 }), limits: 'concurrency=2', faults: 'latency=5ms' });
    const p = provider(sb, { concurrency: 8, retry: { ...FAST_RETRY, retries: 0 } });
    await Promise.allSettled([p.read(), p.read(), p.read()]);
    expect(sb.stats().byStatus['429']).toBeGreaterThan(0);
  });

  it('keeps a burst of Projects calls within the budget: it waits, it does not fail', async () => {
    const sb = await sandbox({ limits: 'concurrency=5,projects=6/1s' });
    const c = new ZohoClient({
      endpoints: resolveEndpoints({ endpoint: sb.url }),
      credentials: ADMIN_CREDS,
      retry: { ...FAST_RETRY, retries: 0 },
      // As the default keeps 10 calls under Zoho's 100, keep a margin of window under the server's.
      projectsBudget: { calls: 6, windowMs: 1100 },
    });
    const answers = await Promise.all(Array.from({ length: 15 }, () => c.get('projects', '/restapi/portals/')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // The sandbox admits at most 6 Projects calls in any second and refused none of the 15 (the token
    // aside, each went out once): the pacer held the rest back until its window had room. Where each
    // batch starts (0, 1.1 s, 2.2 s) is checked on a fake clock in test/unit/provider/pacer.test.ts.
    expect(sb.stats().byStatus).toEqual({ '200': 16 });
  });

  it('Projects budget does not slow CRM calls', async () => {
    const sb = await sandbox();
    // The pacer's clock stands still until the test moves it: a call waiting on the Projects budget
    // waits for good, so CRM calls that finish meanwhile did not wait behind it.
    let clock = 0;
    const c = new ZohoClient({
      endpoints: resolveEndpoints({ endpoint: sb.url }),
      credentials: ADMIN_CREDS,
      retry: { ...FAST_RETRY, retries: 0 },
      projectsBudget: { calls: 1, windowMs: 10_000 },
      now: () => clock,
    });
    expect((await c.get('projects', '/restapi/portals/')).status).toBe(200);
    let held = 'waiting';
    const second = c.get('projects', '/restapi/portals/').then((a) => (held = String(a.status)));
    const crm = await Promise.all(Array.from({ length: 10 }, (_, i) => c.get('api', i % 2 ? '/crm/v8/org' : '/crm/v8/settings/profiles')));
    expect(crm.every((a) => a.status === 200)).toBe(true);
    expect(held).toBe('waiting');
    // Ten seconds later (for the pacer) the held call goes as soon as any call ends.
    clock = 10_001;
    await c.get('api', '/crm/v8/org');
    await second;
    expect(held).toBe('200');
  });
});
