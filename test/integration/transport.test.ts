/**
 * Transport safety (issue 7): plain http off loopback is refused before any connection is made
 * (through the built CLI, under a guard that fails the process on any network attempt) unless
 * --insecure-http; TLS verification is never turned off (a self-signed server is refused, and trusted
 * once its CA is given); requests time out even when a server answers its headers and then stalls;
 * the sandbox listens on 127.0.0.1 only. Hostile clients of the sandbox: test/integration/sandbox/hostile.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoProvider } from '../../src/provider/index.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { startSandboxProcess } from '../../scripts/crash-test.mjs';
import { BIN, ROOT } from '../e2e/harness.js';

const CREDS = { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' };
const CRED_ENV = { ZOHO_CLIENT_ID: 'sandbox', ZOHO_CLIENT_SECRET: 'sandbox', ZOHO_REFRESH_TOKEN: 'sandbox' };
const FAST = { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1, factor: 1, randomize: false, maxRetryAfterMs: 1 };

/** An IPv4 address of this machine that is not loopback, if it has one (CI containers usually do). */
const LAN_IP = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const dir = mkdtempSync(join(tmpdir(), 'zpi-transport-'));
const MANIFEST = join(dir, 'integration.yaml');
writeFileSync(MANIFEST, 'apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\nstate: deactivated\n');
/** Preloaded into the CLI: any socket connect or DNS lookup ends the process with exit 99. */
const GUARD = join(dir, 'no-network.mjs');
writeFileSync(
  GUARD,
  `import net from 'node:net';
import dns from 'node:dns';
const fail = (what) => { process.stderr.write('NETWORK ATTEMPT: ' + what + '\\n'); process.exit(99); };
net.Socket.prototype.connect = function (o) { fail('connect ' + JSON.stringify(o && o.host ? o.host + ':' + o.port : o)); };
dns.lookup = (host) => fail('dns ' + host);
dns.promises.lookup = async (host) => fail('dns ' + host);
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zpi(args: string[], env: Record<string, string> = {}, guard = true): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(guard ? ['--import', GUARD] : []), BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('plain http off loopback is refused before any connection', () => {
  it('the guard itself works: an allowed endpoint does try to connect (and is stopped)', async () => {
    const r = await zpi(['plan', '-f', MANIFEST, '--endpoint', 'https://zpi-guard-check.invalid'], CRED_ENV);
    expect(r.code).toBe(99);
    expect(r.stderr).toContain('NETWORK ATTEMPT');
  });

  it.each([
    ['--endpoint with credentials', ['--endpoint', 'http://example.com'], CRED_ENV],
    ['--endpoint without credentials', ['--endpoint', 'http://example.com'], {}],
    ['ZPI_ENDPOINT', [], { ...CRED_ENV, ZPI_ENDPOINT: 'http://example.com:8080/zoho' }],
    ['a LAN address', ['--endpoint', 'http://10.1.2.3:80'], CRED_ENV],
  ])('%s → exit 1, one clear line, no network attempt', async (_name, flags, env) => {
    for (const command of ['plan', 'apply', 'export']) {
      const args = command === 'export' ? [command, ...flags] : [command, '-f', MANIFEST, ...flags, ...(command === 'apply' ? ['--auto-approve'] : [])];
      const r = await zpi(args, env as Record<string, string>);
      expect(r.stderr, command).not.toContain('NETWORK ATTEMPT');
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^error: refusing plain-http endpoint http:\/\/[^ ]+: OAuth tokens would travel unencrypted; use https \(http is allowed only on loopback, or with --insecure-http\)\n$/);
    }
  });

  it('a malformed endpoint is a one-line error, not a crash', async () => {
    const r = await zpi(['plan', '-f', MANIFEST, '--endpoint', 'not a url']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: invalid endpoint "not a url": not a URL\n');
    const ftp = await zpi(['plan', '-f', MANIFEST, '--endpoint', 'ftp://example.com'], CRED_ENV);
    expect(ftp.stderr).toMatch(/^error: invalid endpoint "ftp:\/\/example.com": only https/);
  });

  describe.skipIf(!LAN_IP)(`--insecure-http reaches a non-loopback http endpoint (${LAN_IP ?? 'no LAN address'})`, () => {
    let sb: SandboxHandle;
    let proxy: ReturnType<typeof createTcpServer>;
    let proxyUrl = '';
    let connections = 0;
    beforeAll(async () => {
      sb = await startSandbox({ port: 0, faults: '', limits: '' });
      // A TCP relay on the LAN address to the sandbox (which itself listens on 127.0.0.1 only).
      proxy = createTcpServer((client: Socket) => {
        connections++;
        const upstream = connect(sb.port, '127.0.0.1');
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((r) => proxy.listen(0, LAN_IP, r));
      proxyUrl = `http://${LAN_IP}:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await new Promise((r) => proxy.close(r));
      await sb.close();
    });

    it('refused without the flag, with no connection; works with it', async () => {
      const refused = await zpi(['plan', '-f', MANIFEST, '--endpoint', proxyUrl], CRED_ENV, false);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('refusing plain-http endpoint');
      expect(connections).toBe(0);
      const allowed = await zpi(['plan', '-f', MANIFEST, '--endpoint', proxyUrl, '--insecure-http', '--detailed-exitcode'], CRED_ENV, false);
      expect(allowed.stderr).not.toContain('error');
      expect(allowed.code).toBe(2); // the sandbox org is active: deactivating it is a change
      expect(allowed.stdout).toContain(`via custom ${proxyUrl}`);
      expect(connections).toBeGreaterThan(0);
    });
  });
});

describe('TLS verification is never turned off', () => {
  it('no source file disables certificate checks', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|js|mjs|cjs)$/.test(name)) files.push(p);
      }
    };
    walk(join(ROOT, 'src'));
    walk(join(ROOT, 'bin'));
    expect(files.length).toBeGreaterThan(50);
    const forbidden = /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity|setGlobalDispatcher|allowInsecure|insecureSkipVerify|secureOptions/;
    const hits = files.filter((f) => forbidden.test(readFileSync(f, 'utf8'))).map((f) => f.slice(ROOT.length));
    expect(hits).toEqual([]);
  });

  let openssl = true;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    openssl = false;
  }

  describe.skipIf(!openssl)('against a server with a self-signed certificate', () => {
    let server: ReturnType<typeof createHttpsServer>;
    let url = '';
    let requests = 0;
    const cert = join(dir, 'cert.pem');
    beforeAll(async () => {
      const key = join(dir, 'key.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
        requests++;
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"INTERNAL_ERROR","message":"test server","status":"error"}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('the client refuses it (TLS, not retried) and no request reaches it', async () => {
      const p = createZohoProvider({ endpoint: url, credentials: CREDS, retry: FAST });
      await expect(p.read()).rejects.toMatchObject({ code: 'TLS', retryable: false });
      expect(requests).toBe(0);
    });

    it('the CLI refuses it in one line; trusting the CA (NODE_EXTRA_CA_CERTS) is the way in', async () => {
      const r = await zpi(['plan', '-f', MANIFEST, '--endpoint', url], CRED_ENV, false);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: .*TLS certificate verification failed/);
      expect(requests).toBe(0);
      const trusted = await zpi(['plan', '-f', MANIFEST, '--endpoint', url], { ...CRED_ENV, NODE_EXTRA_CA_CERTS: cert, ZPI_RETRIES: '0' }, false);
      expect(trusted.code).toBe(1);
      expect(trusted.stderr).not.toContain('TLS');
      expect(requests).toBeGreaterThan(0);
    });
  });
});

describe('requests time out', () => {
  let server: Server;
  let url = '';
  let mode: 'stall-body' | 'silent-token' = 'stall-body';
  /** Requests the server took, by kind: each attempt of the client is one. */
  const seen = { token: 0, api: 0 };
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      seen[req.url?.startsWith('/oauth/v2/token') ? 'token' : 'api']++;
      if (req.url?.startsWith('/oauth/v2/token')) {
        if (mode === 'silent-token') return; // accepts the request, never answers
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: '1000.test.token', api_domain: url, token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      // Headers and the start of the body, then nothing: a timeout must cover the body too.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data": [');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('when the body stalls after the headers', async () => {
    mode = 'stall-body';
    Object.assign(seen, { token: 0, api: 0 });
    const p = createZohoProvider({ endpoint: url, credentials: CREDS, timeoutMs: 150, retry: FAST });
    // The body never completes: only a timeout that covers the body too ends the call.
    await expect(p.readLinks()).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    // One attempt (no retries asked for), timed out: nothing waited on the stalled body and tried again.
    expect(seen).toEqual({ token: 1, api: 1 });
  });

  it('when the token endpoint never answers', async () => {
    mode = 'silent-token';
    Object.assign(seen, { token: 0, api: 0 });
    const p = createZohoProvider({ endpoint: url, credentials: CREDS, timeoutMs: 150, retry: { ...FAST, retries: 2 } });
    await expect(p.read()).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Three attempts in all, shared by the six concurrent reads: not three for each of them in turn.
    expect(seen).toEqual({ token: 3, api: 0 });
  });
});

describe('the sandbox listens on 127.0.0.1 only', () => {
  const refused = (host: string, port: number): Promise<string> =>
    new Promise((resolve) => {
      const s = connect(port, host);
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });

  it('in-process (startSandbox) and as `zpi sandbox`', async () => {
    const sb = await startSandbox({ port: 0, faults: '', limits: '' });
    const proc = await startSandboxProcess({ state: join(dir, 'proc-state.json'), cwd: dir });
    try {
      for (const [url, port] of [[sb.url, sb.port], [proc.url, Number(new URL(proc.url).port)]] as const) {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(await refused('127.0.0.1', port)).toBe('connected');
        if (LAN_IP) expect(await refused(LAN_IP, port)).toBe('ECONNREFUSED');
        expect(await refused('::1', port)).not.toBe('connected');
      }
    } finally {
      await sb.close();
      await proc.kill('SIGTERM');
    }
  });
});
