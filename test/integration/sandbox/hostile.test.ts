/**
 * Hostile clients (issue 7), beyond the single cases of http.test.ts: many slow (slowloris) clients at
 * once, stalled bodies, a storm of aborted requests, oversized bodies without a Content-Length, and
 * random bodies on every write endpoint. After each, the sandbox still answers promptly, never with a
 * 5xx, and its state is still valid.
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateProblems } from '../../../src/sandbox/validate-state.js';
import { ID, ZP, adminSession, call, useSandboxes } from './helpers.js';

const { start } = useSandboxes();

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** A normal request must come back 200 well within `ms`. */
async function answersPromptly(url: string, token: string, ms = 1000): Promise<void> {
  const t0 = performance.now();
  const res = await call(url, token, 'GET', '/crm/v8/org');
  expect(res.status).toBe(200);
  expect(performance.now() - t0).toBeLessThan(ms);
}

describe('the sandbox under hostile clients', () => {
  it('keeps answering while 50 slowloris clients dribble headers that never end', async () => {
    const { sb, token } = await adminSession(start);
    const sockets = await Promise.all(Array.from({ length: 50 }, () => openSocket(sb.port)));
    for (const s of sockets) {
      s.on('error', () => undefined);
      s.write(`GET /crm/v8/org HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nX-Slow: `);
    }
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write('a');
    }, 20);
    try {
      for (let i = 0; i < 10; i++) await answersPromptly(sb.url, token);
    } finally {
      clearInterval(drip);
    }
    // close() drops them at once: a slow client cannot hold the sandbox open either.
    const t0 = performance.now();
    await sb.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(sockets.every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });

  it('keeps answering, and writing, while 20 clients stall in the middle of their bodies', async () => {
    const { sb, token, call: api } = await adminSession(start);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(sb.port)));
    for (const s of sockets) {
      s.on('error', () => undefined);
      s.write(`PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"users": [{"id": "`);
    }
    await answersPromptly(sb.url, token);
    // Writes are queued one at a time; a stalled body must not hold the queue.
    const t0 = performance.now();
    expect((await api('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] })).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(sb.state().integration.users).toContain(ID.bob);
    for (const s of sockets) s.destroy();
  });

  it('survives a storm of 120 clients leaving at every stage, and counts them', async () => {
    const { sb, token } = await adminSession(start, { faults: 'latency=30ms' });
    const before = sb.state();
    const stages = [
      (s: Socket) => s.write('GET /crm/v8/or'), // mid request line
      (s: Socket) => s.write(`GET /crm/v8/org HTTP/1.1\r\nHost: x\r\nAuthoriz`), // mid headers
      (s: Socket) => s.write(`PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Length: 500\r\n\r\n{"users":`), // mid body
      (s: Socket) => s.write(`GET /crm/v8/org HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\n\r\n`), // waiting for the answer
    ];
    await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const s = await openSocket(sb.port);
        s.on('error', () => undefined);
        stages[i % stages.length]!(s);
        await new Promise((r) => setTimeout(r, (i % 7) * 3));
        if (i % 2) s.destroy();
        else s.resetAndDestroy();
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    await answersPromptly(sb.url, token);
    // Only incomplete writes were sent: nothing changed.
    expect(sb.state()).toEqual(before);
    const stats = sb.stats();
    expect(stats.byStatus.aborted ?? 0).toBeGreaterThanOrEqual(30);
    expect(Object.keys(stats.byStatus).filter((k) => k.startsWith('5'))).toEqual([]);
  });

  it('answers 413 to an oversized body sent without a Content-Length (chunked), and at once to a huge declared one', async () => {
    const { sb, token } = await adminSession(start);
    const chunks = async function* () {
      for (let i = 0; i < 20; i++) yield new TextEncoder().encode(`"${'x'.repeat(100 * 1024)}",`);
    };
    const res = await fetch(`${sb.url}${ZP}/users`, {
      method: 'PUT',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: ReadableStream.from(chunks()),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('REQUEST_ENTITY_TOO_LARGE');

    const s = await openSocket(sb.port);
    let answer = '';
    s.on('data', (d) => (answer += d.toString()));
    s.on('error', () => undefined);
    const t0 = performance.now();
    s.write(`PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Length: 100000000000\r\n\r\n{`);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (answer.includes('\r\n\r\n') || performance.now() - t0 > 2000) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(performance.now() - t0).toBeLessThan(1000);
    s.destroy();
    await answersPromptly(sb.url, token);
  });

  it('answers random bodies on every write endpoint with 2xx or 4xx — never 5xx — and keeps a valid state', async () => {
    const { sb, token } = await adminSession(start);
    const endpoints: [string, string][] = [
      ['PUT', `${ZP}/users`],
      ['PUT', `${ZP}/user_permissions`],
      ['PUT', `${ZP}/profile_permissions`],
      ['POST', `${ZP}/actions/associate`],
      ['DELETE', `${ZP}/users?ids=${ID.alice}`],
    ];
    const ids = fc.constantFrom(ID.alice, ID.bob, ID.dave, ID.ursula, ID.dan, '', '0', 'x'.repeat(300), '__proto__');
    const perm = fc.oneof(fc.boolean(), fc.constant('true'), fc.integer(), fc.constant(null));
    const item = fc.oneof(
      fc.record({ id: ids }),
      fc.record({ user: fc.record({ id: ids }), view: perm, create: perm, edit: perm, delete: perm, reset: fc.boolean() }, { requiredKeys: [] }),
      fc.record({ profile: fc.record({ id: fc.string(), name: fc.constantFrom('Standard', 'Nope', '', 'constructor') }, { requiredKeys: [] }), view: perm }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const body = fc.oneof(
      fc.record({
        users: fc.oneof(fc.array(item, { maxLength: 120 }), fc.jsonValue({ maxDepth: 1 })),
        user_permissions: fc.array(item, { maxLength: 5 }),
        profile_permissions: fc.array(item, { maxLength: 5 }),
        portal_id: fc.constantFrom('7001', '7002', '9', '', 7001),
        zsc_key: fc.constantFrom('zsc-7001-secret', 'wrong', ''),
        email: fc.constantFrom('owner@acme.com', 'x', ''),
      }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), body, async ([method, path], text) => {
        const res = await call(sb.url, token, method, path, text);
        expect(res.status, `${method} ${path} ${text.slice(0, 200)} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
        expect(res.json, res.text).toMatchObject(res.status >= 400 ? { code: expect.any(String), status: 'error' } : { data: expect.any(Array) });
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 0) || 150 },
    );
    expect(stateProblems(sb.state())).toEqual([]);
    await answersPromptly(sb.url, token);
  });
});
