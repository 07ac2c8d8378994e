import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createZohoProvider, type ZohoProviderOptions } from '../../../src/provider/index.js';
import { json, startTestServer, type Seen, type TestServer } from '../../unit/provider/http-test-server.js';

/**
 * Fake remotes for the "Hostile remotes" issue: small node:http servers on 127.0.0.1 and an ephemeral
 * port, each closed (every socket destroyed) after its test. `fakeZoho` answers the read calls with
 * minimal valid shapes unless the test's handler answers first.
 */

export { json, type Seen, type TestServer };

export const CREDS = { clientId: 'hr-client-id-1', clientSecret: 'hr-client-s3cret', refreshToken: 'hr-refresh-t0ken' };

/** Retries that take ~1 ms: a test that must not be retried says so by counting requests. */
export const FAST = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 1, factor: 1, randomize: false, maxRetryAfterMs: 1 };

const open: TestServer[] = [];
/** Closes every server server() started; test/integration/setup.ts runs it after each test of every file. */
export async function closeOpenServers(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export async function server(handler: (req: Seen, res: ServerResponse, socket: Socket) => void | Promise<void>): Promise<TestServer> {
  const s = await startTestServer(handler);
  open.push(s);
  return s;
}

export const pathOf = (req: Seen): string => req.url.split('?')[0] ?? '';
export const queryOf = (req: Seen): URLSearchParams => new URL(req.url, 'http://x').searchParams;

export const user = (id: string) => ({
  id,
  email: `u${id}@acme.com`,
  full_name: `User ${id}`,
  status: 'active',
  confirm: true,
  profile: { id: '100', name: 'Administrator' },
  role: { id: '9', name: 'CEO' },
});

/** The documented answers of every read but AllUsers pages; false when the request is none of them. */
export function answerRead(req: Seen, res: ServerResponse): boolean {
  const path = pathOf(req);
  const type = queryOf(req).get('type');
  if (path === '/crm/v8/org') json(res, 200, { org: [{ id: '600', company_name: 'Acme', primary_email: 'a@acme.com', type: 'production' }] });
  else if (path === '/crm/v8/users' && type === 'CurrentUser') json(res, 200, { users: [user('1')] });
  else if (path === '/crm/v8/settings/profiles') json(res, 200, { profiles: [{ id: '100', name: 'Administrator' }] });
  else if (path === '/restapi/portals/') json(res, 200, { portals: [] });
  else if (path.startsWith('/crm/v8/settings/integrations/')) json(res, 404, { code: 'INVALID_URL_PATTERN', message: 'no such URL', status: 'error' });
  else return false;
  return true;
}

/**
 * A fake Zoho on one URL (endpoint mode): the token call answers its own URL as api_domain; `handler`
 * sees every other request first and returns true when it answered (or means to stay silent).
 */
export async function fakeZoho(handler: (req: Seen, res: ServerResponse, socket: Socket) => boolean | Promise<boolean>) {
  const s: TestServer = await server(async (req, res, socket) => {
    if (await handler(req, res, socket)) return;
    if (pathOf(req) === '/oauth/v2/token') return json(res, 200, { access_token: 'hr-access-1', api_domain: s.url, token_type: 'Bearer', expires_in: 3600 });
    if (answerRead(req, res)) return;
    if (pathOf(req) === '/crm/v8/users') return json(res, 200, { users: [user('1')], info: { page: 1, per_page: 200, count: 1, more_records: false } });
    json(res, 501, { code: 'NOT_IMPLEMENTED', message: `no route ${req.method} ${req.url}`, status: 'error' });
  });
  return s;
}

export function provider(s: TestServer, opts: Partial<ZohoProviderOptions> = {}) {
  return createZohoProvider({ endpoint: s.url, credentials: CREDS, retry: FAST, ...opts });
}

/** How many requests a server saw for a path (and method). */
export const count = (s: TestServer, path: string, method?: string): number =>
  s.seen.filter((r) => pathOf(r) === path && (method === undefined || r.method === method)).length;

/** The rejection of p (fails the test when p resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; status?: number; retryable?: boolean }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}
