/**
 * Hostile clients (issue 7), beyond the single cases of http.test.ts: many slow (slowloris) clients at
 * once, stalled bodies, a storm of aborted requests, oversized bodies without a Content-Length, and
 * random bodies on every write endpoint. After each, the sandbox still answers (without waiting for the
 * stalled clients), never with a 5xx, and its state is still valid.
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

/** Hostile sockets and what the server sent or did to each (an answer, a timeout's 408, a close). */
function watch(sockets: Socket[]) {
  const got = sockets.map(() => '');
  let closedByServer = 0;
  sockets.forEach((s, i) => {
    s.on('data', (d: Buffer) => (got[i] += d.toString()));
    s.on('end', () => closedByServer++);
  });
  return {
    /** No stalled socket has had an answer, a 408 (the server's own header/request timeout) or a close. */
    untouched: (): boolean => got.every((g) => g === '') && closedByServer === 0,
    received: (): string[] => got.filter((g) => g !== ''),
  };
}

/**
 * A normal request comes back 200 while the stalled clients are still stalled: the sandbox served it
 * without waiting for them (waiting would mean this answer only after their bodies or headers
 * completed, which they never do, or after the server timed them out with a 408 or a close).
 */
async function answersAlongside(url: string, token: string, stalled?: ReturnType<typeof watch>): Promise<void> {
  const res = await call(url, token, 'GET', '/crm/v8/org');
  expect(res.status).toBe(200);
  if (stalled) expect(stalled.received(), 'a stalled client was answered or timed out first').toEqual([]);
  if (stalled) expect(stalled.untouched()).toBe(true);
}

describe('the sandbox under hostile clients', () => {
  it('keeps answering while 50 slowloris clients dribble headers that never end', async () => {
    const { sb, token } = await adminSession(start);
    const sockets = await Promise.all(Array.from({ length: 50 }, () => openSocket(sb.port)));
    for (const s of sockets) {
      s.on('error', () => undefined);
      s.write(`GET /crm/v8/org HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nX-Slow: `);
    }
    const stalled = watch(sockets);
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write('a');
    }, 20);
    try {
      for (let i = 0; i < 10; i++) await answersAlongside(sb.url, token, stalled);
    } finally {
      clearInterval(drip);
    }
    // close() drops them: a slow client cannot hold the sandbox open either. Each is closed without a
    // byte (no 408: not the server's header timeout), so it was close() that ended them.
    const closedAll = Promise.all(sockets.map((s) => new Promise((r) => (s.destroyed ? r(null) : s.once('close', r)))));
    await sb.close();
    await closedAll;
    expect(stalled.received()).toEqual([]);
    expect(sockets.every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });

  it('keeps answering, and writing, while 20 clients stall in the middle of their bodies', async () => {
    const { sb, token, call: api } = await adminSession(start);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(sb.port)));
    for (const s of sockets) {
      s.on('error', () => undefined);
      s.write(`PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"users": [{"id": "`);
    }
    const stalled = watch(sockets);
    await answersAlongside(sb.url, token, stalled);
    // Writes are queued one at a time; a stalled body must not hold the queue: this write is done while
    // every stalled body is still unanswered.
    expect((await api('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] })).status).toBe(200);
    expect(stalled.untouched()).toBe(true);
    expect(sb.state().integration.users).toContain(ID.bob);
    for (const s of sockets) s.destroy();
  });

  it('survives a storm of 120 clients leaving at every stage, and counts them', async () => {
    // Answers wait a second: far longer than any client below stays (at most 18 ms after its request).
    const { sb, token } = await adminSession(start, { faults: 'latency=1s' });
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
    // The 30 complete requests (every fourth client, closed with a FIN after its whole request went out)
    // each reach the sandbox and end while waiting for their answer: counted as aborted, once the
    // sandbox has seen them go, however long that takes on a busy machine.
    while ((sb.stats().byStatus.aborted ?? 0) < 30) await new Promise((r) => setTimeout(r, 5));
    await answersAlongside(sb.url, token);
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

    // At once: on the declared length alone, with one byte of the body sent and the rest never coming
    // (so an answer at all means the sandbox did not wait for the body).
    const s = await openSocket(sb.port);
    let answer = '';
    s.on('error', () => undefined);
    const answered = new Promise<void>((resolve) =>
      s.on('data', (d: Buffer) => {
        answer += d.toString();
        if (answer.includes('\r\n\r\n')) resolve();
      }),
    );
    s.write(`PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Length: 100000000000\r\n\r\n{`);
    await answered;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    s.destroy();
    await answersAlongside(sb.url, token);
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
    await answersAlongside(sb.url, token);
  });
});
