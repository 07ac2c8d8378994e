import type { ErrorContext, HttpAnswer } from './zoho-error.js';
import { errorFromResponse, malformedAnswer, oauthError, parseJson } from './zoho-error.js';

export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** What the refresh-token grant answered that the client needs. */
export interface TokenGrant {
  accessToken: string;
  /** Lifetime as Zoho stated it (3600 s for real Zoho). */
  expiresInSec: number;
  /** Zoho's CRM API host for this account (e.g. https://www.zohoapis.eu). */
  apiDomain?: string;
}

/** The form body of Zoho's refresh-token grant (https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html). */
export function refreshTokenForm(c: ZohoCredentials): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: c.clientId,
    client_secret: c.clientSecret,
    refresh_token: c.refreshToken,
  });
}

/**
 * Reads the token endpoint's answer. Zoho reports bad credentials as `{error:"invalid_code"}`, at times
 * with HTTP 200, so a 2xx is checked for `error` before it is trusted.
 */
export function parseTokenAnswer(answer: HttpAnswer, ctx: ErrorContext): TokenGrant {
  if (answer.status < 200 || answer.status >= 300) throw errorFromResponse(answer, ctx);
  const body = parseJson(answer.body);
  const refused = oauthError(answer.status, body, ctx);
  if (refused) throw refused;
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token === '') throw malformedAnswer(ctx, answer.status, 'no access_token');
  const expires = typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 3600;
  const apiDomain = typeof b.api_domain === 'string' ? b.api_domain : undefined;
  return { accessToken: b.access_token, expiresInSec: expires, ...(apiDomain ? { apiDomain } : {}) };
}

/**
 * Caches the access token until shortly before it expires and makes sure that at any moment at most
 * one refresh is in flight: concurrent callers await the same promise (Zoho limits how many tokens a
 * refresh token may mint per 10 minutes, so a stampede of refreshes would lock zpi out).
 */
export class AccessTokens {
  #token: string | undefined;
  #expiresAt = 0;
  #inFlight: Promise<string> | undefined;
  #refreshes = 0;

  /** `grant` gets the signal of the call that needed the token: a read's deadline stops the grant too. */
  constructor(
    private readonly grant: (signal?: AbortSignal) => Promise<TokenGrant>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token believed valid; refreshes first when there is none or it is about to expire. */
  current(signal?: AbortSignal): Promise<string> {
    if (this.#token !== undefined && this.now() < this.#expiresAt) return Promise.resolve(this.#token);
    return this.#refresh(signal);
  }

  /**
   * Called after `stale` was refused as INVALID_TOKEN. If another call already replaced it, that
   * token is used; otherwise one refresh is made (shared with any concurrent caller).
   */
  renew(stale: string, signal?: AbortSignal): Promise<string> {
    if (this.#token !== undefined && this.#token !== stale) return Promise.resolve(this.#token);
    this.#token = undefined;
    return this.#refresh(signal);
  }

  /** How many refresh grants were requested (for tests and stats). */
  get refreshes(): number {
    return this.#refreshes;
  }

  #refresh(signal?: AbortSignal): Promise<string> {
    if (this.#inFlight) return this.#inFlight;
    this.#refreshes++;
    const started = this.now();
    this.#inFlight = this.grant(signal)
      .then((g) => {
        // Renew early: a tenth of the lifetime, at most a minute, so a call never leaves with a dying token.
        const ttl = g.expiresInSec * 1000;
        this.#token = g.accessToken;
        this.#expiresAt = started + ttl - Math.min(60_000, ttl / 10);
        return g.accessToken;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}
