import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
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
  run(args: string[], opts?: { env?: Record<string, string | undefined>; input?: string }): Promise<RunResult>;
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
/** Access tokens the harness's sandboxes minted; secrets like the others (collected before each close). */
const tokens = new Set<string>();
const collectTokens = (sb: SandboxHandle): void => {
  for (const t of sb.issuedTokens()) tokens.add(t);
};

/** Adds text a test captured itself (e.g. from a long-running `zpi sandbox`) to the next secret scan. */
export function recordOutput(...texts: string[]): void {
  outputs.push(...texts);
}

export async function e2e(opts: { seed?: Seed; faults?: string; limits?: string; zohoOnly?: boolean } = {}): Promise<E2E> {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-e2e-'));
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
          cwd: dir,
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
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
