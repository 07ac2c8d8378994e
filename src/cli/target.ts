import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';
import type { PlanTarget } from '../model/plan.js';
import type { Provider } from '../provider/provider.js';
import type { Io } from './io.js';
import { retryPolicyFromEnv } from './retry-env.js';

export interface TargetFlags {
  sandbox?: boolean;
  endpoint?: string;
  insecureHttp?: boolean;
  concurrency?: number;
}

export interface OpenTarget {
  provider: Provider & { stats(): { calls: number; retries: number; throttled: number } };
  /** Where the plan says it ran; never holds credentials. */
  kind: PlanTarget['endpointKind'];
  endpoint: string;
  /**
   * What the apply lock is keyed by besides the org: the endpoint, or for the embedded sandbox its
   * state file (its URL is a new port every run, while two runs in one directory share one org).
   */
  lockKey: string;
  close(): Promise<void>;
}

const SANDBOX_CREDENTIALS = { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' };

/**
 * What zpi talks to (see connect). With ZPI_STATS_FILE set, closing the target writes the API calls
 * made and the process's peak memory there as JSON: `npm run bench` counts calls with it.
 */
export async function openTarget(flags: TargetFlags, io: Io, manifestDc?: string): Promise<OpenTarget> {
  const target = await connect(flags, io, manifestDc);
  const statsFile = io.env.ZPI_STATS_FILE;
  if (!statsFile) return target;
  return {
    ...target,
    close: async () => {
      await target.close();
      const { calls, retries, throttled, ...rest } = target.provider.stats();
      const stats = { calls, retries, throttled, ...rest, maxRssKiB: process.resourceUsage().maxRSS };
      writeFileSync(statsFile, `${JSON.stringify(stats)}\n`);
    },
  };
}

/**
 * Decides what zpi talks to: --sandbox (or no Zoho credentials and no endpoint) starts the embedded
 * sandbox in-process; --endpoint/ZPI_ENDPOINT points every base at one URL; otherwise real Zoho
 * in the data centre from ZOHO_DC or the manifest.
 */
async function connect(flags: TargetFlags, io: Io, manifestDc?: string): Promise<OpenTarget> {
  const { checkTransport, createZohoProvider, credentialsFromEnv, isLoopbackHost, limitsFromEnv } = await import('../provider/index.js');
  const env = io.env;
  const endpoint = flags.endpoint ?? (flags.sandbox ? undefined : env.ZPI_ENDPOINT || undefined);
  const fromEnv = credentialsFromEnv(env);
  const haveCreds = Boolean(fromEnv.clientId && fromEnv.clientSecret && fromEnv.refreshToken);
  // Some but not all credentials is a mistake (a CI secret not passed through), not a wish for the
  // sandbox: planning and "applying" against the emulator would report success while Zoho is untouched.
  const names = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'];
  const missing = names.filter((n) => !env[n]);
  if (!flags.sandbox && missing.length > 0 && missing.length < names.length) {
    const set = names.filter((n) => env[n]);
    const verb = (list: string[]): string => (list.length === 1 ? 'is' : 'are');
    throw new UserError(
      `${missing.join(' and ')} ${verb(missing)} not set, but ${set.join(' and ')} ${verb(set)}: ` +
        'set all three to reach Zoho, or none to use the embedded sandbox',
    );
  }
  // ZPI_RETRIES / ZPI_RETRY_MIN_MS / ZPI_RETRY_MAX_MS tune the reads' retries too, not only apply's steps.
  // ZPI_CALL_TIMEOUT, ZPI_READ_DEADLINE, ZPI_MAX_RESPONSE_BYTES, ZPI_MAX_USER_PAGES bound a hostile remote;
  // a slow answer or a retry's wait is said on stderr, so a stalled run is never silent.
  const common = {
    concurrency: flags.concurrency ?? 5,
    insecureHttp: Boolean(flags.insecureHttp),
    retry: retryPolicyFromEnv(env),
    ...limitsFromEnv(env),
    onWait: (line: string) => io.err(`${line}\n`),
  };

  if (flags.sandbox || (!endpoint && !haveCreds)) {
    if (!flags.sandbox) {
      io.err('note: no ZOHO_CLIENT_ID/ZOHO_CLIENT_SECRET/ZOHO_REFRESH_TOKEN and no --endpoint: using the embedded sandbox.\n');
    }
    const { startSandbox } = await import('../sandbox/index.js');
    const dir = join(io.cwd, '.zpi');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stateFile = join(dir, 'sandbox.json');
    const sandbox = await startSandbox({ port: 0, stateFile });
    const provider = createZohoProvider({ ...common, endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS });
    return { provider, kind: 'sandbox', endpoint: sandbox.url, lockKey: `file://${stateFile}`, close: () => sandbox.close() };
  }

  if (endpoint) {
    // First of all: an unsafe or malformed URL is refused before credentials are looked at or any
    // connection is made (plain http off loopback would carry the OAuth token in clear).
    checkTransport(endpoint, common.insecureHttp, 'endpoint');
    const loopback = isLoopbackHost(new URL(endpoint).hostname);
    if (!haveCreds && !loopback) {
      throw new UserError('set ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN to reach ' + new URL(endpoint).host);
    }
    const credentials = haveCreds ? (fromEnv as typeof SANDBOX_CREDENTIALS) : SANDBOX_CREDENTIALS;
    const provider = createZohoProvider({ ...common, endpoint, credentials });
    const base = endpoint.replace(/\/+$/, '');
    return { provider, kind: loopback ? 'sandbox' : 'custom', endpoint: base, lockKey: base, close: async () => {} };
  }

  const dc = env.ZOHO_DC || manifestDc || 'com';
  const provider = createZohoProvider({ ...common, dc, credentials: fromEnv as typeof SANDBOX_CREDENTIALS });
  return { provider, kind: 'zoho', endpoint: `zoho.${dc}`, lockKey: `zoho.${dc}`, close: async () => {} };
}

/**
 * The apply lock's options for `desired`'s org on `target` (apply and import take the same lock: both
 * write the org's record). `lockTimeout` in seconds; waiting is said on stderr.
 */
export function lockOptions(org: string, target: OpenTarget, io: Io, lockTimeout = 0) {
  return {
    org,
    endpointKind: target.kind,
    endpoint: target.lockKey,
    env: io.env,
    timeoutMs: lockTimeout * 1000,
    onWait: (message: string) => io.err(`${message}\n`),
  };
}
