import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'zpi.js');

/** Known secret values every end-to-end test runs with; none may ever appear in anything zpi prints or writes. */
export const SECRETS = {
  clientId: 'e2e-client-id',
  clientSecret: 'S3CRET-client-9f8e7d',
  refreshToken: 'S3CRET-refresh-1a2b3c',
  zsc7001: 'S3CRET-zsc-7001-q1w2e3',
  zsc7002: 'S3CRET-zsc-7002-r4t5y6',
};

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface E2E {
  dir: string;
  sandbox: SandboxHandle;
  stateFile: string;
  /** Runs the built CLI in `dir` against the sandbox; extra env merges over the defaults. */
  run(args: string[], opts?: { env?: Record<string, string | undefined>; input?: string; cwd?: string }): Promise<RunResult>;
  /** Restarts the sandbox on the same state file (e.g. with faults, or zohoOnly: the integration endpoints answer 404). */
  restart(opts?: { faults?: string; limits?: string; zohoOnly?: boolean }): Promise<void>;
  close(): Promise<void>;
}

type Seed = Record<string, any>;

/** The example seed org with the known secrets swapped in. */
export function secretSeed(mutate?: (seed: Seed) => void): Seed {
  const seed = JSON.parse(readFileSync(join(ROOT, 'examples/sandbox/org.json'), 'utf8')) as Seed;
  seed.credentials = [
    { client_id: SECRETS.clientId, client_secret: SECRETS.clientSecret, refresh_token: SECRETS.refreshToken, user: 'admin@acme.com' },
    ...(seed.credentials ?? []).filter((c: Seed) => c.client_id !== 'sandbox'),
  ];
  for (const p of seed.portals) p.zsc_key = p.id === '7001' ? SECRETS.zsc7001 : SECRETS.zsc7002;
  mutate?.(seed);
  return seed;
}

const outputs: string[] = [];

/** Records (`*.state.json`) in the repository's root and examples/: tests must not add any. */
function strayRecords(): string[] {
  return ['.', 'examples'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.state.json')).map((f) => join(d, f))).sort();
}
const recordsAtStart = strayRecords();
/** Access tokens the harness's sandboxes minted; secrets like the others (collected before each close). */
const tokens = new Set<string>();
const collectTokens = (sb: SandboxHandle): void => {
  for (const t of sb.issuedTokens()) tokens.add(t);
};

/** Adds text a test captured itself (e.g. from a long-running `zpi sandbox`) to the next secret scan. */
export function recordOutput(...texts: string[]): void {
  outputs.push(...texts);
}

export interface E2EOptions {
  seed?: Seed;
  faults?: string;
  limits?: string;
  zohoOnly?: boolean;
  /** A file copied into the test's dir as `integration.yaml` (zpi's default manifest). */
  manifest?: string;
}

/**
 * One dir and sandbox for the tests of a describe block (or, called at the top level, of a file):
 * e2e(opts) and then `setup` in beforeAll, close() — with its secret scan — in afterAll. The handle it
 * returns stands for that E2E from beforeAll on (pass it to orgView, spawnZpi…, as is); used earlier,
 * it throws. (Hooks run as a stack: an afterAll registered after this one runs before the close.)
 */
export function useE2E(opts: E2EOptions = {}, setup?: (t: E2E) => void | Promise<void>): E2E {
  let current: E2E | undefined;
  beforeAll(async () => {
    current = await e2e(opts);
    await setup?.(current);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as E2E, {
    get(_, key) {
      if (!current) throw new Error(`useE2E: the sandbox is not started (t.${String(key)} used outside a test or hook)`);
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** A dir and sandbox of the test's own; close() it when done (useE2E does both for a describe block). */
export async function e2e(opts: E2EOptions = {}): Promise<E2E> {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-e2e-'));
  if (opts.manifest) copyFileSync(opts.manifest, join(dir, 'integration.yaml'));
  const stateFile = join(dir, 'sandbox-state.json');
  const seed = opts.seed ?? secretSeed();
  let sandbox = await startSandbox({
    port: 0,
    stateFile,
    seed: seed as never,
    faults: opts.faults ?? '',
    limits: opts.limits ?? '',
    zohoOnly: opts.zohoOnly,
  });
  let port = sandbox.port;
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: dir,
    NO_COLOR: '1',
    ZOHO_CLIENT_ID: SECRETS.clientId,
    ZOHO_CLIENT_SECRET: SECRETS.clientSecret,
    ZOHO_REFRESH_TOKEN: SECRETS.refreshToken,
    ZPI_ZSC_KEY: SECRETS.zsc7001,
    ZPI_RETRY_MIN_MS: '1',
    ZPI_RETRY_MAX_MS: '20',
    // The machine-wide apply locks of this test's runs, where the test can look at them.
    ZPI_LOCK_DIR: join(dir, '.locks'),
  };
  const handle: E2E = {
    dir,
    stateFile,
    get sandbox() {
      return sandbox;
    },
    run(args, runOpts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
          cwd: runOpts.cwd ?? dir,
          env: { ...env, ZPI_ENDPOINT: sandbox.url, ...runOpts.env } as NodeJS.ProcessEnv,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          outputs.push(stdout, stderr);
          resolve({ code: code ?? -1, stdout, stderr });
        });
        child.stdin.end(runOpts.input ?? '');
      });
    },
    async restart(r = {}) {
      collectTokens(sandbox);
      await sandbox.close();
      sandbox = await startSandbox({ port, stateFile, faults: r.faults ?? '', limits: r.limits ?? '', zohoOnly: r.zohoOnly });
      port = sandbox.port;
    },
    async close() {
      collectTokens(sandbox);
      await sandbox.close();
      assertNoSecretsIn(dir);
      // apply keeps its record beside the manifest: a test must apply copies, never the repository's files.
      expect(strayRecords(), 'a test applied a manifest of the repository and left its record there').toEqual(recordsAtStart);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/**
 * The environment of a zpi a test spawns itself (not through run()): HOME is the test's dir, the
 * endpoint is its sandbox, the client credentials are the known ones; nothing else unless `env` adds it
 * (NO_COLOR, ZPI_ZSC_KEY, …).
 */
function childEnv(t: E2E, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: t.dir,
    ZPI_ENDPOINT: t.sandbox.url,
    ZOHO_CLIENT_ID: SECRETS.clientId,
    ZOHO_CLIENT_SECRET: SECRETS.clientSecret,
    ZOHO_REFRESH_TOKEN: SECRETS.refreshToken,
    ZPI_LOCK_DIR: join(t.dir, '.locks'),
    ...env,
  };
}

/** The apply lock (a directory holding owner.json) of org 60012345678 on the test's sandbox, if held. */
export function applyLockDir(t: E2E): string | undefined {
  const dir = join(t.dir, '.locks');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const name = names.find((n) => /^apply-sandbox-60012345678-[0-9a-f]{12}\.lock$/.test(n));
  return name && join(dir, name);
}

/** How a zpi spawned by spawnZpi() ended; `out` is its stdout and stderr together. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

export interface Spawned {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Settles when the process has closed; its output is then recorded for the secret scan. */
  closed: Promise<Ended>;
  /** stdout and stderr so far, together. */
  output(): string;
}

/** Spawns the built CLI in the test's dir (stdin closed) for a test that signals it or watches it run. */
export function spawnZpi(t: E2E, args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: t.dir, env: childEnv(t, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<Ended>((resolve) =>
    child.on('close', (code, signal) => {
      outputs.push(out);
      resolve({ code, signal, out });
    }),
  );
  return { child, closed, output: () => out };
}

/** Whether util-linux `script` is there to give zpi a real pseudo-terminal (runOnTty). */
export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the built CLI on a pseudo-terminal (`script -qec … /dev/null`, TERM=xterm), typing `input`
 * (answers typed ahead are kept until each question comes); returns the exit code and what the
 * terminal showed (stdout and stderr together), which the secret scan also gets.
 */
export function runOnTty(t: E2E, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<{ code: number; screen: string }> {
  const cmd = [process.execPath, BIN, ...args].map(sh).join(' ');
  return new Promise((resolve, reject) => {
    const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn('script', ['-qec', cmd, '/dev/null'], {
      cwd: t.dir,
      env: childEnv(t, { TERM: 'xterm', ...opts.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      outputs.push(screen);
      resolve({ code: code ?? -1, screen });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The forms a secret could leak in: as is, URL-encoded, JSON-escaped, base64. */
function leakForms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')])];
}

/**
 * Every file zpi wrote under `dir` (plans, exports, `.zpi/` with its locks, anything else: HOME is
 * `dir` too) and every captured output (stdout and stderr of every run, plus recordOutput) is free of
 * the known secrets — client secret, refresh token, ZSC keys — and of every access token the harness's
 * sandboxes issued, in any of leakForms(). `extra` adds values a test minted itself.
 */
export function assertNoSecretsIn(dir: string, extra: string[] = []): void {
  const texts = [...outputs];
  outputs.length = 0;
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      // The sandbox's own state file is the emulated Zoho server's database, not something zpi wrote.
      if (p.endsWith('sandbox-state.json')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else {
        files.push(p);
        texts.push(readFileSync(p, 'latin1'));
      }
    }
  };
  walk(dir);
  const secrets = [...Object.values(SECRETS).filter((s) => s.startsWith('S3CRET')), ...tokens, ...extra];
  for (const secret of secrets) {
    for (const form of leakForms(secret)) {
      const i = texts.findIndex((t) => t.includes(form));
      const where = i < 0 ? '' : i < texts.length - files.length ? ' in captured output' : ` in ${files[i - (texts.length - files.length)]}`;
      expect(i, `secret ${secret.slice(0, 12)}… leaked${where}`).toBe(-1);
    }
  }
}

/** Access tokens issued so far by the harness's sandboxes (for tests that check the scan itself). */
export function issuedTokens(): string[] {
  return [...tokens];
}
