import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';
import type { PlanTarget } from '../model/plan.js';
import type { Provider } from '../provider/provider.js';
import type { Io } from './io.js';

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
  close(): Promise<void>;
}

const SANDBOX_CREDENTIALS = { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' };

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

/**
 * Decides what zpi talks to: --sandbox (or no Zoho credentials and no endpoint) starts the embedded
 * sandbox in-process; --endpoint/ZPI_ENDPOINT points every base at one URL; otherwise real Zoho
 * in the data centre from ZOHO_DC or the manifest.
 */
export async function openTarget(flags: TargetFlags, io: Io, manifestDc?: string): Promise<OpenTarget> {
  const { createZohoProvider, credentialsFromEnv } = await import('../provider/index.js');
  const env = io.env;
  const endpoint = flags.endpoint ?? (flags.sandbox ? undefined : env.ZPI_ENDPOINT || undefined);
  const fromEnv = credentialsFromEnv(env);
  const haveCreds = Boolean(fromEnv.clientId && fromEnv.clientSecret && fromEnv.refreshToken);
  const common = { concurrency: flags.concurrency ?? 5, insecureHttp: Boolean(flags.insecureHttp) };

  if (flags.sandbox || (!endpoint && !haveCreds)) {
    if (!flags.sandbox) {
      io.err('note: no ZOHO_CLIENT_ID/ZOHO_CLIENT_SECRET/ZOHO_REFRESH_TOKEN and no --endpoint: using the embedded sandbox.\n');
    }
    const { startSandbox } = await import('../sandbox/index.js');
    const dir = join(io.cwd, '.zpi');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const sandbox = await startSandbox({ port: 0, stateFile: join(dir, 'sandbox.json') });
    const provider = createZohoProvider({ ...common, endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS });
    return { provider, kind: 'sandbox', endpoint: sandbox.url, close: () => sandbox.close() };
  }

  if (endpoint) {
    const loopback = isLoopback(endpoint);
    if (!haveCreds && !loopback) {
      throw new UserError('set ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN to reach ' + new URL(endpoint).host);
    }
    const credentials = haveCreds ? (fromEnv as typeof SANDBOX_CREDENTIALS) : SANDBOX_CREDENTIALS;
    const provider = createZohoProvider({ ...common, endpoint, credentials });
    return { provider, kind: loopback ? 'sandbox' : 'custom', endpoint: endpoint.replace(/\/+$/, ''), close: async () => {} };
  }

  const dc = env.ZOHO_DC || manifestDc || 'com';
  const provider = createZohoProvider({ ...common, dc, credentials: fromEnv as typeof SANDBOX_CREDENTIALS });
  return { provider, kind: 'zoho', endpoint: `zoho.${dc}`, close: async () => {} };
}
