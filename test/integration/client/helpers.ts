import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createZohoProvider, type ZohoProviderOptions } from '../../../src/provider/index.js';
import { startSandbox, type SandboxHandle, type SandboxOptions, type SandboxState } from '../../../src/sandbox/index.js';

/**
 * The REAL client against the REAL sandbox on an ephemeral 127.0.0.1 port. Every sandbox a test
 * starts is closed after it (all connections dropped), so no test leaks sockets into the next.
 */

/** Distinctive values: a scan for them in logs and messages cannot match by accident. */
export const SECRETS = {
  clientId: 'itest-client-id',
  clientSecret: 'CS-s3cret-7Hq2xK9',
  refreshToken: 'RT-s3cret-4Zp8mW1',
  viewerSecret: 'CS-viewer-s3cret-5Lr',
  viewerRefresh: 'RT-viewer-s3cret-2Nd',
  zsc7001: 'ZSC-s3cret-7001-Yb6',
  zsc7002: 'ZSC-s3cret-7002-Qe3',
};

export const ADMIN_CREDS = { clientId: SECRETS.clientId, clientSecret: SECRETS.clientSecret, refreshToken: SECRETS.refreshToken };
export const VIEWER_CREDS = { clientId: 'itest-viewer', clientSecret: SECRETS.viewerSecret, refreshToken: SECRETS.viewerRefresh };

/** Retries that take ~1 ms, so fault tests are fast. */
export const FAST_RETRY = { retries: 8, minTimeoutMs: 1, maxTimeoutMs: 2, factor: 1, randomize: false, maxRetryAfterMs: 5 };

const EXAMPLE = JSON.parse(readFileSync(fileURLToPath(new URL('../../../examples/sandbox/org.json', import.meta.url)), 'utf8')) as SandboxState;

/** The example org with the test's secrets; `extraUsers` generated active, confirmed Standard users. */
export function seed(opts: { extraUsers?: number } = {}): SandboxState {
  const s = structuredClone(EXAMPLE);
  s.credentials = [
    { client_id: ADMIN_CREDS.clientId, client_secret: ADMIN_CREDS.clientSecret, refresh_token: ADMIN_CREDS.refreshToken, user: 'admin@acme.com' },
    { client_id: VIEWER_CREDS.clientId, client_secret: VIEWER_CREDS.clientSecret, refresh_token: VIEWER_CREDS.refreshToken, user: 'grace@acme.com' },
  ];
  for (const p of s.portals) p.zsc_key = p.id === '7001' ? SECRETS.zsc7001 : SECRETS.zsc7002;
  for (let i = 0; i < (opts.extraUsers ?? 0); i++) {
    s.users.push({
      id: `59000000${String(i).padStart(6, '0')}`,
      email: `Gen.User${i}@Acme.com`,
      full_name: `Generated User ${i}`,
      status: i % 10 === 9 ? 'disabled' : 'active',
      confirm: true,
      profile: 'Standard',
      role: 'Rep',
    });
  }
  return s;
}

const open: SandboxHandle[] = [];
/** Closes every sandbox sandbox() started; test/integration/setup.ts runs it after each test of every file. */
export async function closeOpenSandboxes(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export async function sandbox(opts: Partial<SandboxOptions> = {}): Promise<SandboxHandle> {
  const s = await startSandbox({ port: 0, seed: seed(), faults: '', limits: '', ...opts });
  open.push(s);
  return s;
}

/** A provider on the sandbox; log lines are collected in `lines`. */
export function provider(sb: SandboxHandle, opts: Partial<ZohoProviderOptions> = {}, lines: string[] = []) {
  return createZohoProvider({ endpoint: sb.url, credentials: ADMIN_CREDS, retry: FAST_RETRY, log: (l) => lines.push(l), ...opts });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
