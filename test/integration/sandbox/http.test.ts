import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZP, adminSession, call, getToken, useSandboxes, jsonOf } from './helpers.js';

const { start, tempDir } = useSandboxes();

/** Sends raw bytes over a fresh socket and resolves with everything the server answered. */
function raw(port: number, chunks: string[], gapMs = 0, destroyAfter = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.on('connect', async () => {
      for (const c of chunks) {
        socket.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (destroyAfter) socket.destroy();
    });
  });
}

/** Resolves once `ok()` holds, checking every few ms: no deadline but the test's own timeout. */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
}

describe('HTTP edges', () => {
  it('binds 127.0.0.1 on a random port', async () => {
    const sb = await start();
    expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
    expect(sb.port).toBeGreaterThan(0);
  });

  it('answers 413 to a body over 1 MB, and accepts one just under', async () => {
    const { sb, token, call } = await adminSession(start);
    const big = JSON.stringify({ users: [{ id: '1' }], pad: 'x'.repeat(1024 * 1024) });
    const res = await fetch(`${sb.url}${ZP}/users`, { method: 'PUT', headers: { authorization: `Zoho-oauthtoken ${token}` }, body: big });
    expect(res.status).toBe(413);
    expect((await jsonOf(res)).code).toBe('REQUEST_ENTITY_TOO_LARGE');
    const fits = JSON.stringify({ users: [{ id: '4876876000000200036' }], pad: 'x'.repeat(1024 * 1024 - 100) });
    expect((await call('PUT', `${ZP}/users`, fits)).status).toBe(200);
    expect(sb.state().integration.users).toContain('4876876000000200036');
  });

  it('answers 400 INVALID_DATA to malformed JSON and changes nothing', async () => {
    const { sb, call } = await adminSession(start);
    const before = sb.state();
    const res = await call('PUT', `${ZP}/users`, '{"users": [{"id": "1"}');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'INVALID_DATA', status: 'error' });
    expect(res.json.message).toContain('not valid JSON');
    expect(sb.state()).toEqual(before);
  });

  it('answers 501 naming the method and path of an unknown route, even without a token', async () => {
    const sb = await start();
    for (const [method, path] of [['GET', '/crm/v8/Deals'], ['POST', `${ZP}/actions/reassociate`], ['GET', '/']] as const) {
      const res = await call(sb.url, undefined, method, path);
      expect(res.status).toBe(501);
      expect(res.json).toMatchObject({ code: 'NOT_IMPLEMENTED', status: 'error', details: { method, path } });
      expect(res.json.message).toContain(`${method} ${path}`);
    }
  });

  it('answers 405 INVALID_REQUEST_METHOD with Allow for a known path', async () => {
    const { call } = await adminSession(start);
    const res = await call('POST', '/crm/v8/org');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.json.code).toBe('INVALID_REQUEST_METHOD');
    expect((await call('PATCH', `${ZP}/users`)).headers.get('allow')).toBe('PUT, DELETE');
  });

  it('in zoho-only mode answers the modelled endpoints 404 INVALID_URL_PATTERN, as real Zoho', async () => {
    const { call } = await adminSession(start, { zohoOnly: true });
    for (const [m, p] of [['GET', ZP], ['GET', `${ZP}/links/count`], ['PUT', `${ZP}/users`]]) {
      const res = await call(m!, p!);
      expect(res.status, `${m} ${p}`).toBe(404);
      expect(res.json.code).toBe('INVALID_URL_PATTERN');
    }
    expect((await call('GET', '/crm/v8/org')).status).toBe(200);
    expect((await call('GET', '/restapi/portals/')).status).toBe(200);
  });

  it('survives a client that drops mid-body and counts it as aborted', async () => {
    const lines: string[] = [];
    const sb = await start({ log: (l) => lines.push(l) });
    const token = await getToken(sb.url);
    const head = `PUT ${ZP}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    await raw(sb.port, [head, '{"users": ['], 20, true);
    // Counted once the sandbox has seen the client go, however long that takes on a busy machine.
    await until(() => sb.stats().byStatus.aborted !== undefined);
    expect(sb.stats().byStatus.aborted).toBe(1);
    expect(lines.at(-1)).toMatch(/aborted/);
    expect(sb.state().integration.users).toHaveLength(5);
    expect((await call(sb.url, token, 'GET', '/crm/v8/org')).status).toBe(200);
  });

  it('keeps serving others while a slow client trickles its request in', async () => {
    const sb = await start();
    const token = await getToken(sb.url);
    const req = `GET /crm/v8/org HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken ${token}\r\nConnection: close\r\n\r\n`;
    const chunks = req.match(/.{1,8}/gs)!;
    // The slow client sends half its request in 8-byte pieces, then waits for the other client's
    // answer before it sends the rest: that answer cannot have waited for the slow request.
    const slow = connect(sb.port, '127.0.0.1');
    let slowAnswer = '';
    slow.on('data', (d: Buffer) => (slowAnswer += d.toString()));
    const slowClosed = new Promise<void>((r) => slow.on('close', () => r()));
    await new Promise<void>((r) => slow.on('connect', () => r()));
    const half = Math.floor(chunks.length / 2);
    for (const c of chunks.slice(0, half)) {
      slow.write(c);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await call(sb.url, token, 'GET', '/crm/v8/org')).status).toBe(200);
    expect(slowAnswer).toBe('');
    for (const c of chunks.slice(half)) {
      slow.write(c);
      await new Promise((r) => setTimeout(r, 25));
    }
    await slowClosed;
    expect(slowAnswer).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('survives a client that aborts while its answer is delayed; the write still lands whole', async () => {
    const { sb, token, call } = await adminSession(start, { faults: 'latency=200ms' });
    const ctl = new AbortController();
    const pending = fetch(`${sb.url}${ZP}/users`, {
      method: 'PUT',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ users: [{ id: '4876876000000200036' }] }),
      signal: ctl.signal,
    });
    // Aborted once the sandbox has the request (the token's was the first), while its answer waits.
    await until(() => sb.stats().requests === 2);
    ctl.abort();
    await expect(pending).rejects.toThrow();
    // The write lands whole once its delay is over, however long the machine takes to get there.
    await until(() => sb.state().integration.users.includes('4876876000000200036'));
    expect(sb.state().integration.users.filter((id) => id === '4876876000000200036')).toHaveLength(1);
    expect((await call('GET', '/crm/v8/org')).status).toBe(200);
  });

  it('answers malformed HTTP with 400 and keeps running', async () => {
    const sb = await start();
    expect(await raw(sb.port, ['NONSENSE\r\n\r\n'])).toMatch(/^HTTP\/1\.1 400/);
    expect((await call(sb.url, undefined, 'GET', '/crm/v8/org')).status).toBe(401);
  });

  it('close() writes nothing after it returns, even for a request still in its latency delay', async () => {
    const { sb, token } = await adminSession(start, { faults: 'latency=150ms', stateFile: join(await tempDir(), 'sandbox.json') });
    const pending = fetch(`${sb.url}${ZP}/users`, {
      method: 'PUT',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ users: [{ id: '4876876000000200036' }] }),
    }).catch(() => 'dropped');
    // Closed while the write is in its latency delay: the sandbox has it (the token's was the first).
    await until(() => sb.stats().requests === 2);
    await sb.close();
    expect(await pending).toBe('dropped');
    await new Promise((r) => setTimeout(r, 200));
    expect(sb.state().integration.users).not.toContain('4876876000000200036');
  });

  it('close() drops idle keep-alive connections and frees the port', async () => {
    const sb = await start();
    await call(sb.url, undefined, 'GET', '/crm/v8/org'); // leaves a keep-alive socket open
    // The same on a socket the test holds: answered, kept alive, idle.
    const idle = connect(sb.port, '127.0.0.1');
    idle.on('error', () => undefined);
    const answered = new Promise<void>((r) => idle.once('data', () => r()));
    const ended = new Promise<void>((r) => idle.once('close', () => r()));
    idle.write('GET /crm/v8/org HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await answered;
    // By the time close() has returned, it has dropped this connection too.
    await sb.close();
    await ended;
    await expect(fetch(`${sb.url}/crm/v8/org`)).rejects.toThrow();
    const again = await start({ port: sb.port });
    expect(again.port).toBe(sb.port);
  });
});
