import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SandboxHttpError } from './http-error.js';
import { effectiveCredentials, userByEmail } from './org-lookup.js';
import { parseForm } from './parse-form.js';
import type { HandlerResult, RequestContext } from './route-types.js';
import type { SandboxState, SandboxUser } from './state-types.js';

/**
 * Access tokens live in memory only: a restarted sandbox forgets them, so the client meets
 * INVALID_TOKEN and must refresh — exactly what happens when Zoho expires a token early.
 */
export class TokenStore {
  private readonly tokens = new Map<string, { email: string; expiresAt: number }>();
  /** Every token ever issued, expired ones too, so tests can scan zpi's output for them. */
  private readonly issued = new Set<string>();

  constructor(readonly ttlSec: number) {}

  issue(email: string): string {
    const now = Date.now();
    for (const [t, v] of this.tokens) if (v.expiresAt <= now) this.tokens.delete(t);
    // Zoho's access tokens look like "1000.<hex>.<hex>"; clients must treat them as opaque.
    const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, { email, expiresAt: now + this.ttlSec * 1000 });
    this.issued.add(token);
    return token;
  }

  /** Every token issued so far expires now, as after an hour on Zoho: the next call with one is refused. */
  expireAll(): void {
    for (const v of this.tokens.values()) v.expiresAt = 0;
  }

  /** Every access token issued since the sandbox started, in order. */
  allIssued(): string[] {
    return [...this.issued];
  }

  find(token: string): { email: string } | 'expired' | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt > Date.now()) return t;
    this.tokens.delete(token);
    return 'expired';
  }
}

const same = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** POST /oauth/v2/token: the refresh-token grant, parameters in the query string or a form body. */
export function handleToken(ctx: RequestContext, tokens: TokenStore): HandlerResult {
  const params: Record<string, string> = { ...parseForm(ctx.headers['content-type'], ctx.body) };
  for (const [k, v] of ctx.url.searchParams) params[k] ??= v;
  if (params.grant_type !== 'refresh_token') {
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' } };
  }
  const state = ctx.store.get();
  const cred = effectiveCredentials(state).find(
    (c) => same(params.client_id, c.client_id) && same(params.client_secret, c.client_secret) && same(params.refresh_token, c.refresh_token),
  );
  const user = cred && userByEmail(state, cred.user);
  // A refresh token of a user who is no longer active is as dead as a wrong one.
  if (!user || user.status !== 'active') return { status: 400, body: { error: 'invalid_code' } };
  return {
    status: 200,
    body: {
      access_token: tokens.issue(user.email),
      // The origin the client reached (through a relay or proxy too): zpi refuses any other api_domain.
      api_domain: reachedOrigin(ctx.headers.host) ?? ctx.baseUrl,
      token_type: 'Bearer',
      expires_in: Math.ceil(tokens.ttlSec),
    },
  };
}

/** The CRM user an API call acts as; 401 in Zoho's words otherwise. */
export function authenticate(headers: IncomingHttpHeaders, tokens: TokenStore, state: SandboxState): SandboxUser {
  const header = headers.authorization;
  if (!header) throw new SandboxHttpError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed: no Authorization header');
  const m = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header.trim());
  if (!m) {
    throw new SandboxHttpError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed: the Authorization header must be "Zoho-oauthtoken <access token>"');
  }
  const found = tokens.find(m[1]!);
  if (found === 'expired') throw new SandboxHttpError(401, 'INVALID_TOKEN', 'invalid oauth token: the access token has expired');
  if (!found) throw new SandboxHttpError(401, 'INVALID_TOKEN', 'invalid oauth token');
  const user = userByEmail(state, found.email);
  if (!user || user.status !== 'active') throw new SandboxHttpError(401, 'INVALID_TOKEN', 'invalid oauth token: its user is no longer active');
  return user;
}

/** http://<Host header> when it is a plain host[:port]; undefined for anything else. */
function reachedOrigin(host: string | undefined): string | undefined {
  return host !== undefined && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host) ? `http://${host}` : undefined;
}
