import { connect, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { parseLimits, SandboxOptionError } from '../../../src/sandbox/index.js';
import { ID, ZP, adminSession, getToken, useSandboxes } from './helpers.js';

const { start } = useSandboxes();

describe('limits', () => {
  it('answers 429 to a request arriving while `concurrency` are in flight', async () => {
    const { sb, token, call } = await adminSession(start, { limits: 'concurrency=2' });
    // Two writes held in flight by the test itself: their headers are in, their bodies never finish
    // until the test sends the rest. Whatever the machine's speed, both are in flight meanwhile.
    const body = JSON.stringify({ users: [{ id: ID.bob }] });
    const held = await Promise.all([0, 1].map(() => rawRequest(sb.port, `PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`)));
    while (sb.stats().requests < 2 + 1) await new Promise((r) => setImmediate(r)); // the token's, and the two writes
    const turnedAway = await Promise.all(Array.from({ length: 4 }, () => call('GET', '/crm/v8/org')));
    expect(turnedAway.map((r) => r.status)).toEqual([429, 429, 429, 429]);
    // The token endpoint is another server in Zoho (accounts): not counted.
    expect(await getToken(sb.url)).toBeTruthy();
    for (const h of held) h.socket.write(body.slice(5));
    expect((await Promise.all(held.map((h) => h.answer))).map((a) => a.split(' ')[1])).toEqual(['200', '200']);
    const limited = turnedAway[0]!;
    expect(limited.json).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 'error' });
    expect(limited.json.message).toContain('at most 2');
    const stats = sb.stats();
    expect(stats.byStatus['429']).toBe(4);
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(3);
    expect((await call('GET', '/crm/v8/org')).status).toBe(200);
  });

  it('answers 429 to /restapi/ calls beyond the sliding window, and admits them again after it (fake clock)', async () => {
    const { call } = await adminSession(start, { limits: 'projects=3/400ms' });
    // The sandbox's clock (Date) stands still but for the test's moves: the window is exact.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) expect((await call('GET', '/restapi/portals/')).status).toBe(200);
      const over = await call('GET', '/restapi/portals/');
      expect(over.status).toBe(429);
      expect(over.json.message).toMatch(/at most 3 calls per 0\.4 s/);
      expect((await call('GET', '/crm/v8/org')).status).toBe(200); // CRM calls do not count
      // One millisecond short of the window, it is still full; at its end, it has room again.
      vi.setSystemTime(t0 + 399);
      expect((await call('GET', '/restapi/portals/')).status).toBe(429);
      vi.setSystemTime(t0 + 400);
      expect((await call('GET', '/restapi/portals/')).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
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

/** Sends `head` on a new connection; `answer` is everything the server sends back, once it closes. */
async function rawRequest(port: number, head: string): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  const answer = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  socket.write(head);
  return { socket, answer };
}
