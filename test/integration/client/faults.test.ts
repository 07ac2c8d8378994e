import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/model/fingerprint.js';
import { provider, sandbox, seed } from './helpers.js';

/** read() must come back with exactly the fault-free answer, however the sandbox misbehaves. */
describe('read() survives injected faults', () => {
  it.each(['rate=0.3,seed=7', 'reset=0.1,seed=7', 'rate=0.3,reset=0.1,seed=11', 'rate=0.3,reset=0.1,latency=5ms,seed=42'])('with %s', async (faults) => {
    const s = seed({ extraUsers: 600 });
    const clean = await provider(await sandbox({ seed: s })).read();
    const sb = await sandbox({ seed: s, faults });
    const p = provider(sb);
    for (let i = 0; i < 3; i++) {
      const live = await p.read();
      expect(fingerprint(live)).toBe(fingerprint(clean));
      expect(live.users).toHaveLength(626);
    }
    const faulted = Object.entries(sb.stats().byStatus).filter(([k]) => k !== '200').reduce((n, [, v]) => n + v, 0);
    expect(faulted).toBeGreaterThan(0);
    // Every faulted answer was met by exactly one retry, and every 429 was counted.
    expect(p.stats().retries).toBe(faulted);
    expect(p.stats().throttled).toBe(sb.stats().byStatus['429'] ?? 0);
  });

  it('readLinks() and the token grant survive faults too', async () => {
    const sb = await sandbox({ faults: 'rate=0.4,reset=0.2,seed=5' });
    const p = provider(sb);
    for (let i = 0; i < 10; i++) expect(await p.readLinks()).toEqual({ Accounts: 30, Contacts: 12, Deals: 4 });
  });

  it('writes are not retried by the client: a failure surfaces once, for the executor to retry', async () => {
    // concurrency=1 on the server while the client sends two writes at once: one is turned away.
    // 200 ms: long enough that the two writes overlap at the server even on a loaded machine.
    const sb = await sandbox({ limits: 'concurrency=1', faults: 'latency=200ms' });
    const p = provider(sb, { concurrency: 2 });
    await p.readLinks();
    const results = await Promise.allSettled([p.grantUsers([{ userId: '4876876000000200036' }]), p.grantUsers([{ userId: '4876876000000200050' }])]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 429, retryable: true } });
    expect(p.stats()).toMatchObject({ retries: 0, throttled: 1, byHost: { api: 3 } });
  });
});
