import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../../src/sandbox/index.js';

export const ZP = '/crm/v8/settings/integrations/zoho_projects';

/** Seed user ids by local part of the email (examples/sandbox/org.json). */
export const ID = {
  admin: '4876876000000200001',
  sysop: '4876876000000200008',
  owner: '4876876000000200015',
  newcoOwner: '4876876000000200022',
  alice: '4876876000000200029',
  bob: '4876876000000200036',
  carol: '4876876000000200043',
  dave: '4876876000000200050',
  erin: '4876876000000200057',
  frank: '4876876000000200064',
  grace: '4876876000000200071',
  heidi: '4876876000000200078',
  ursula: '4876876000000200162',
  uma: '4876876000000200169',
  dan: '4876876000000200176',
} as const;

/**
 * Registers afterEach cleanup for the test file: every sandbox started through `start` is closed and
 * every temp dir from `tempDir` removed, even when the test fails.
 */
export function useSandboxes() {
  const open: SandboxHandle[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return {
    async start(opts: SandboxOptions = {}): Promise<SandboxHandle> {
      // Tests set faults/limits explicitly; the environment must not leak in.
      const sb = await startSandbox({ faults: '', limits: '', ...opts });
      open.push(sb);
      return sb;
    },
    async tempDir(): Promise<string> {
      const d = await mkdtemp(join(tmpdir(), 'zpi-sandbox-'));
      dirs.push(d);
      return d;
    },
  };
}

export async function getToken(url: string, cred = 'sandbox'): Promise<string> {
  const params = new URLSearchParams({ grant_type: 'refresh_token', client_id: cred, client_secret: cred, refresh_token: cred });
  const res = await fetch(`${url}/oauth/v2/token?${params}`, { method: 'POST' });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token grant failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The JSON body of a fetch Response, untyped for assertions. */
export const jsonOf = (res: Response): Promise<any> => res.json();

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One call with `Authorization: Zoho-oauthtoken <token>`; `body` is sent as JSON. */
export async function call(url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Zoho-oauthtoken ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A started sandbox plus an admin token and a bound `call`. */
export async function adminSession(start: (o?: SandboxOptions) => Promise<SandboxHandle>, opts: SandboxOptions = {}) {
  const sb = await start(opts);
  const token = await getToken(sb.url);
  return { sb, token, call: (method: string, path: string, body?: unknown) => call(sb.url, token, method, path, body) };
}
