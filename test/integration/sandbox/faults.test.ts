import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults, SandboxOptionError, type SandboxHandle } from '../../../src/sandbox/index.js';
import { ID, ZP, call, useSandboxes } from './helpers.js';

const { start } = useSandboxes();
const SEED = 1;
const creds = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox', client_secret: 'sandbox', refresh_token: 'sandbox' });

/** Status of one request, or "reset" when the connection was dropped. */
async function statusOf(url: string, init?: RequestInit): Promise<string> {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    return String(res.status);
  } catch {
    return 'reset';
  }
}

/** The token endpoint is faulted like any other: retry as the client would. */
async function tokenDespiteFaults(sb: SandboxHandle): Promise<string> {
  for (let i = 0; i < 50; i++) {
    try {
      const res = await fetch(`${sb.url}/oauth/v2/token?${creds}`, { method: 'POST' });
      if (res.status === 200) return ((await res.json()) as { access_token: string }).access_token;
      await res.arrayBuffer();
    } catch {
      // reset: try again
    }
  }
  throw new Error('no token after 50 attempts');
}

async function sequence(faults: string, n: number): Promise<string[]> {
  const sb = await start({ faults });
  const token = await tokenDespiteFaults(sb);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await statusOf(`${sb.url}/crm/v8/org`, { headers: { authorization: `Zoho-oauthtoken ${token}` } }));
  return out;
}

describe('fault injection', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await sequence('rate=0.4,reset=0.1,seed=7', 60);
    const b = await sequence('rate=0.4,reset=0.1,seed=7', 60);
    const c = await sequence('rate=0.4,reset=0.1,seed=8', 60);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set(['200', '429', '500', '503', 'reset']));
    expect(a.filter((s) => s === '200').length).toBeGreaterThan(20);
  });

  it('answers 429 with and without Retry-After, 500 INTERNAL_ERROR and an HTML 503', async () => {
    const sb = await start({ faults: 'rate=1,seed=3' });
    const seen = { retryAfter: 0, plain429: 0, s500: 0, s503: 0 };
    for (let i = 0; i < 80; i++) {
      const res = await fetch(`${sb.url}/crm/v8/org`);
      const text = await res.text();
      if (res.status === 429) {
        expect(JSON.parse(text)).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 'error' });
        if (res.headers.get('retry-after') === '1') seen.retryAfter++;
        else {
          expect(res.headers.get('retry-after')).toBeNull();
          seen.plain429++;
        }
      } else if (res.status === 500) {
        expect(JSON.parse(text)).toMatchObject({ code: 'INTERNAL_ERROR', status: 'error' });
        seen.s500++;
      } else {
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toBe('text/html');
        seen.s503++;
      }
    }
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(5);
    expect(sb.stats().byStatus['429']).toBe(seen.retryAfter + seen.plain429);
  });

  it('resets connections and counts them', async () => {
    const sb = await start({ faults: 'reset=1' });
    await expect(fetch(`${sb.url}/crm/v8/org`)).rejects.toThrow();
    expect(sb.stats().byStatus.reset).toBe(1);
    expect(sb.stats().requests).toBe(1);
  });

  it('logs whether a faulted write was applied, the state agrees, and retrying converges', async () => {
    const lines: string[] = [];
    const sb = await start({ faults: `reset=0.3,rate=0.3,seed=${SEED}`, log: (l) => lines.push(l) });
    const token = await tokenDespiteFaults(sb);
    const users = [ID.bob, ID.dave, ID.frank, ID.sysop, ...[85, 92, 99, 106, 113, 120, 127, 134, 141, 148, 155].map((n) => `4876876000000200${String(n).padStart(3, "0")}`)];
    const outcomes = new Set<string>();
    for (const id of users) {
      for (let attempt = 0; ; attempt++) {
        expect(attempt).toBeLessThan(30);
        const at = lines.length;
        const status = await statusOf(`${sb.url}${ZP}/users`, {
          method: 'PUT',
          headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ users: [{ id }] }),
        });
        const line = lines.slice(at).find((l) => l.startsWith(`PUT ${ZP}/users `))!;
        expect(line).toContain(` ${status} `);
        const granted = sb.state().integration.users.includes(id);
        const applied = line.includes('write applied');
        if (status !== '200') expect(line).toContain(applied ? 'write applied' : 'write not applied');
        // A write reported applied is in the state; one not applied is not — unless an earlier attempt applied it.
        if (status === '200' || applied) expect(granted).toBe(true);
        outcomes.add(status === '200' ? 'ok' : `${status} ${applied ? 'applied' : 'not applied'}`);
        if (status === '200') break;
      }
    }
    expect(sb.state().integration.users).toEqual(expect.arrayContaining(users));
    // This seed shows every case: clean; reset and 500 both after and before the write; 429/503 always before.
    expect(outcomes).toEqual(new Set(['ok', 'reset applied', 'reset not applied', '500 applied', '500 not applied', '429 not applied', '503 not applied']));
  });

  it('delays every answer by the latency', async () => {
    const sb = await start({ faults: 'latency=120ms' });
    // A timer of the same length, started before the request: Node fires timers of one length in the
    // order they were set, and the sandbox can only set its delay once the request has arrived, so
    // the answer comes after this timer, whatever the machine's speed.
    let timerFired = false;
    const timer = new Promise<void>((r) => setTimeout(() => r(void (timerFired = true)), 120));
    const res = await fetch(`${sb.url}/crm/v8/org`);
    const firedBeforeAnswer = timerFired;
    expect(res.status).toBe(401);
    expect(firedBeforeAnswer).toBe(true);
    await timer;
  });

  it('reads ZPI_SANDBOX_FAULTS when no faults option is given', async () => {
    process.env.ZPI_SANDBOX_FAULTS = 'rate=1,seed=1';
    try {
      const sb = await start({ faults: undefined });
      expect(['429', '500', '503']).toContain(await statusOf(`${sb.url}/crm/v8/org`));
    } finally {
      delete process.env.ZPI_SANDBOX_FAULTS;
    }
  });

  it('draws the same decisions for the same seed and rejects malformed specs', () => {
    const a = new FaultInjector(parseFaults('rate=0.3,reset=0.2,seed=42'));
    const b = new FaultInjector(parseFaults('rate=0.3,reset=0.2,seed=42'));
    const da = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(da);
    expect(da.filter((d) => d.afterWrite).every((d) => d.kind === 'reset' || d.kind === '500')).toBe(true);
    expect(parseFaults('latency=1s')).toMatchObject({ latencyMs: 1000, rate: 0, reset: 0 });
    for (const bad of ['rate=2', 'reset=-1', 'rate=0.7,reset=0.5', 'latency=fast', 'seed=x', 'colour=red', 'rate']) {
      expect(() => parseFaults(bad), bad).toThrow(SandboxOptionError);
    }
  });
});

describe('unauthenticated calls under faults', () => {
  it('still answer in Zoho error shape when not faulted', async () => {
    const sb = await start({ faults: 'rate=0,reset=0,seed=5' });
    expect((await call(sb.url, undefined, 'GET', '/crm/v8/org')).json.code).toBe('AUTHENTICATION_FAILURE');
  });
});
