import { describe, expect, it } from 'vitest';
import { parseLimits, SandboxOptionError } from '../../../src/sandbox/index.js';
import { adminSession, getToken, useSandboxes } from './helpers.js';

const { start } = useSandboxes();

describe('limits', () => {
  it('answers 429 to a request arriving while `concurrency` are in flight', async () => {
    const { sb, call } = await adminSession(start, { limits: 'concurrency=2', faults: 'latency=150ms' });
    const pending = Array.from({ length: 6 }, () => call('GET', '/crm/v8/org'));
    await new Promise((r) => setTimeout(r, 30));
    // The token endpoint is another server in Zoho (accounts): not counted.
    expect(await getToken(sb.url)).toBeTruthy();
    const statuses = (await Promise.all(pending)).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
    const limited = (await Promise.all(pending)).find((r) => r.status === 429)!;
    expect(limited.json).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 'error' });
    expect(limited.json.message).toContain('at most 2');
    const stats = sb.stats();
    expect(stats.byStatus['429']).toBe(4);
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(3);
    expect((await call('GET', '/crm/v8/org')).status).toBe(200);
  });

  it('answers 429 to /restapi/ calls beyond the sliding window, and admits them again after it', async () => {
    const { call } = await adminSession(start, { limits: 'projects=3/400ms' });
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) expect((await call('GET', '/restapi/portals/')).status).toBe(200);
    const over = await call('GET', '/restapi/portals/');
    expect(over.status).toBe(429);
    expect(over.json.message).toMatch(/at most 3 calls per 0\.4 s/);
    expect((await call('GET', '/crm/v8/org')).status).toBe(200); // CRM calls do not count
    await new Promise((r) => setTimeout(r, Math.max(0, 420 - (Date.now() - t0))));
    expect((await call('GET', '/restapi/portals/')).status).toBe(200);
  });

  it('reads ZPI_SANDBOX_LIMITS when no limits option is given', async () => {
    process.env.ZPI_SANDBOX_LIMITS = 'projects=1/60s';
    try {
      const { call } = await adminSession(start, { limits: undefined });
      expect((await call('GET', '/restapi/portals/')).status).toBe(200);
      expect((await call('GET', '/restapi/portals/')).status).toBe(429);
    } finally {
      delete process.env.ZPI_SANDBOX_LIMITS;
    }
  });

  it('parses specs and rejects malformed ones', () => {
    expect(parseLimits('concurrency=5,projects=100/120s')).toEqual({ concurrency: 5, projects: { max: 100, windowMs: 120_000 } });
    expect(parseLimits('')).toEqual({});
    for (const bad of ['concurrency=0', 'concurrency=x', 'projects=100', 'projects=100/soon', 'speed=1']) {
      expect(() => parseLimits(bad), bad).toThrow(SandboxOptionError);
    }
  });
});
