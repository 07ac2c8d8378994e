import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROJECTS_BUDGET, Pacer } from '../../../src/provider/pacer.js';
import { json, startTestServer, type TestServer } from './http-test-server.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Max number of starts inside any window of `windowMs`. */
function maxInWindow(starts: number[], windowMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while ((s[i] as number) - (s[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('Pacer', () => {
  it('defaults: 5 at once, Projects 90 calls per 120 s', () => {
    expect(DEFAULT_PROJECTS_BUDGET).toEqual({ calls: 90, windowMs: 120_000 });
    const p = new Pacer();
    expect(p.stats()).toEqual({ inFlight: 0, maxInFlight: 0, started: 0, waited: 0 });
  });

  it('never runs more than `concurrency` calls at once; the others wait, none fail', async () => {
    const p = new Pacer({ concurrency: 3 });
    let now = 0;
    let max = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        p.run('api', async () => {
          now++;
          max = Math.max(max, now);
          await sleep(1 + (i % 4) * 3);
          now--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(max).toBe(3);
    expect(p.stats()).toMatchObject({ inFlight: 0, maxInFlight: 3, started: 20, waited: 17 });
  });

  it('never loses its wake-up when the clock moves between two readings (fake clock)', async () => {
    // Every reading of this clock is 60 ms after the one before. Reading it once to refuse a start and
    // again to size the wake-up found the budget free (0 ms to wait), armed no timer, and the queued
    // calls never ran: the process then exited 0 with nothing done.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let t = 0;
      const p = new Pacer({ concurrency: 5, budgets: { projects: { calls: 1, windowMs: 100 } }, now: () => (t += 60) });
      const ran: number[] = [];
      let settled = 'asleep';
      void Promise.all([0, 1, 2, 3, 4, 5].map((i) => p.run('projects', async () => void ran.push(i)))).then(() => (settled = 'ran'));
      // Fires every wake-up the pacer arms, and the ones those arm, until none is left: a lost wake-up
      // leaves calls queued with nothing armed to start them.
      await vi.runAllTimersAsync();
      await new Promise((r) => setImmediate(r));
      expect(settled).toBe('ran');
      expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
      expect(p.stats()).toMatchObject({ inFlight: 0, started: 6 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('frees the slot when a call throws', async () => {
    const p = new Pacer({ concurrency: 1 });
    await expect(p.run('api', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(p.run('api', async () => 'next')).resolves.toBe('next');
    expect(p.stats().inFlight).toBe(0);
  });

  it('keeps a host within its sliding-window budget (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
    try {
      const p = new Pacer({ concurrency: 10, budgets: { projects: { calls: 4, windowMs: 80 } }, now: () => Date.now() });
      const starts: number[] = [];
      const all = Promise.all(Array.from({ length: 12 }, () => p.run('projects', async () => void starts.push(Date.now()))));
      await vi.runAllTimersAsync();
      await all;
      // 12 calls at 4 per 80 ms: a batch of 4 as soon as the one before has left the window, not sooner.
      expect(starts).toEqual([0, 0, 0, 0, 80, 80, 80, 80, 160, 160, 160, 160]);
      expect(maxInWindow(starts, 80)).toBeLessThanOrEqual(4);
      // With a margin on the window (6 calls per 1.1 s against a server's 6 per 1 s): batches at 0, 1.1 s, 2.2 s.
      const q = new Pacer({ concurrency: 5, budgets: { projects: { calls: 6, windowMs: 1100 } }, now: () => Date.now() });
      const t0 = Date.now();
      const at: number[] = [];
      const burst = Promise.all(Array.from({ length: 15 }, () => q.run('projects', async () => void at.push(Date.now() - t0))));
      await vi.runAllTimersAsync();
      await burst;
      expect(at).toEqual([...Array(6).fill(0), ...Array(6).fill(1100), ...Array(3).fill(2200)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts calls of one host in FIFO order', async () => {
    const p = new Pacer({ concurrency: 1, budgets: { projects: { calls: 2, windowMs: 30 } } });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => p.run('projects', async () => void order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lets a host with budget left overtake one that waits on its budget', async () => {
    const p = new Pacer({ concurrency: 5, budgets: { projects: { calls: 1, windowMs: 200 } } });
    const order: string[] = [];
    const a = p.run('projects', async () => void order.push('projects-1'));
    const b = p.run('projects', async () => void order.push('projects-2'));
    const c = p.run('api', async () => void order.push('api'));
    await Promise.all([a, b, c]);
    expect(order).toEqual(['projects-1', 'api', 'projects-2']);
  });

  it('budgets only the hosts it was given one for', async () => {
    // On a clock that stands still until the test moves it, a call held by a budget waits for good.
    let clock = 0;
    const p = new Pacer({ concurrency: 50, budgets: { projects: { calls: 1, windowMs: 10_000 } }, now: () => clock });
    const all = Promise.all(Array.from({ length: 40 }, () => p.run('api', async () => {})));
    // All 40 started at once; none waited.
    expect(p.stats()).toMatchObject({ inFlight: 40, started: 40, waited: 0 });
    await all;
    // The budgeted host, for contrast: its second call waits, until the window has passed.
    const first = p.run('projects', async () => {});
    const second = p.run('projects', async () => {});
    expect(p.stats()).toMatchObject({ started: 41, waited: 1 });
    await first;
    clock = 10_001;
    await p.run('api', async () => {}); // a call ending pumps the queue
    await second;
    expect(p.stats()).toMatchObject({ inFlight: 0, started: 43 });
  });

  it('rejects a nonsensical budget', () => {
    expect(() => new Pacer({ budgets: { projects: { calls: 0, windowMs: 10 } } })).toThrow(RangeError);
  });
});

describe('Pacer against an HTTP server that enforces limits', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('earns no 429 from a server allowing 4 concurrent calls and 6 per 150 ms on /restapi', async () => {
    let inFlight = 0;
    const projectStarts: number[] = [];
    server = await startTestServer(async (req, res) => {
      inFlight++;
      try {
        if (inFlight > 4) return json(res, 429, { code: 'TOO_MANY_REQUESTS' });
        if (req.url.startsWith('/restapi')) {
          const now = Date.now();
          if (projectStarts.filter((t) => t > now - 150).length >= 6) return json(res, 429, { code: 'TOO_MANY_REQUESTS' });
          projectStarts.push(now);
        }
        await sleep(5);
        json(res, 200, { ok: true });
      } finally {
        inFlight--;
      }
    });
    // 10 ms of margin on the window, as the default budget keeps 10 calls of margin on Zoho's 100.
    const p = new Pacer({ concurrency: 4, budgets: { projects: { calls: 6, windowMs: 160 } } });
    const call = (path: string) => p.run(path.startsWith('/restapi') ? 'projects' : 'api', async () => (await fetch(`${server?.url}${path}`)).status);
    const statuses = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => call(`/crm/v8/users?page=${i}`)),
      ...Array.from({ length: 18 }, () => call('/restapi/portals/')),
    ]);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(statuses).toHaveLength(48);
  });
});

describe('Pacer: a call counts against its budget until the window has passed since it ended', () => {
  /** A call that ends when the test says so. */
  function deferred() {
    let end!: () => void;
    const done = new Promise<void>((r) => (end = r));
    return { done, end };
  }
  const tick = () => new Promise<void>((r) => setImmediate(r));

  it('a slow call still holds its place: the server counts it on arrival, which may be late', async () => {
    let clock = 0;
    const p = new Pacer({ concurrency: 10, budgets: { projects: { calls: 2, windowMs: 100 } }, now: () => clock });
    const started: string[] = [];
    const a = deferred();
    const b = deferred();
    const first = p.run('projects', async () => (started.push('a'), a.done));
    const second = p.run('projects', async () => (started.push('b'), b.done));
    const third = p.run('projects', async () => void started.push('c'));
    await tick();
    expect(started).toEqual(['a', 'b']);

    // Long after both started, but both are still in flight: no room.
    clock = 1_000;
    a.end();
    await first;
    await tick();
    expect(started).toEqual(['a', 'b']);

    // a ended at 1000 and counts until 1100; b is in flight. At 1101 a has left the window.
    clock = 1_101;
    b.end();
    await second;
    await third;
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('stops its wake-up timer once nobody waits', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    let clock = 0;
    const p = new Pacer({ concurrency: 1, budgets: { projects: { calls: 1, windowMs: 60_000 } }, now: () => clock });
    await p.run('projects', async () => {});
    const waiting = p.run('projects', async () => 'late');
    await tick();
    clock = 60_001;
    // Any call ending pumps the queue; the waiting call goes, and no 60 s timer is left behind.
    await p.run('api', async () => {});
    await expect(waiting).resolves.toBe('late');
    expect(p.stats()).toMatchObject({ inFlight: 0, started: 3 });
    expect(timers()).toBe(before);
  });
});
