import { UserError, type ZohoApiError } from '../model/errors.js';
import type { Endpoints, HostKind } from './endpoints.js';
import { applyApiDomain } from './endpoints.js';
import type { TokenGrant, ZohoCredentials } from './oauth-token.js';
import { AccessTokens, parseTokenAnswer, refreshTokenForm } from './oauth-token.js';
import type { CallBudget } from './pacer.js';
import { DEFAULT_PROJECTS_BUDGET, Pacer } from './pacer.js';
import { maskQuery, Redactor } from './redactor.js';
import type { RetryPolicy } from './retry-policy.js';
import { retryPolicy, withRetry } from './retry-policy.js';
import type { ErrorContext, HttpAnswer } from './zoho-error.js';
import { errorFromFetchFailure, errorFromResponse, malformedAnswer, parseJson } from './zoho-error.js';

export interface ZohoClientOptions {
  endpoints: Endpoints;
  credentials: ZohoCredentials;
  /** Allows a plain-http `api_domain` off loopback (only meaningful with --insecure-http). */
  insecureHttp?: boolean;
  /** Calls in flight at once; default 5 (CRM's lowest edition limit). */
  concurrency?: number;
  /** Per-request timeout (headers and body), default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Retry writes on retryable errors too. Off by default: the executor retries whole steps and counts them. */
  retryWrites?: boolean;
  /** Zoho Projects call budget; default 90 calls per 120 s. */
  projectsBudget?: CallBudget;
  /** The pacer's clock (tests move it on instead of waiting two minutes); default Date.now. */
  now?: () => number;
  /** Debug lines: method, host kind, path, status, ms. Never a secret or a body. */
  log?: (line: string) => void;
  /** Injected fetch for tests; defaults to Node's global fetch (TLS verification always on). */
  fetch?: typeof fetch;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ZohoRequest {
  method: Method;
  host: Exclude<HostKind, 'accounts'>;
  /** Path under the host's base, starting with "/". */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

/** A 2xx answer; body is undefined for 204 / an empty body. */
export interface ZohoAnswer {
  status: number;
  body: unknown;
}

export interface ClientStats {
  /** HTTP exchanges made, every attempt and the token grant included. */
  calls: number;
  byHost: Record<HostKind, number>;
  retries: number;
  /** 429 answers seen. */
  throttled: number;
  tokenRefreshes: number;
  maxInFlight: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The HTTP client for Zoho: OAuth refresh-token flow, pacing, timeouts, retries of reads, and one
 * place (zoho-error.ts) for turning answers into errors. Knows nothing of the integration's model.
 */
export class ZohoClient {
  #endpoints: Endpoints;
  readonly #opts: ZohoClientOptions;
  readonly #policy: RetryPolicy;
  readonly #pacer: Pacer;
  readonly #tokens: AccessTokens;
  readonly #redactor = new Redactor();
  readonly #fetch: typeof fetch;
  readonly #counts = { accounts: 0, api: 0, projects: 0, retries: 0, throttled: 0 };

  constructor(opts: ZohoClientOptions) {
    const missing = (['clientId', 'clientSecret', 'refreshToken'] as const).filter((k) => !opts.credentials[k]);
    if (missing.length > 0) throw new UserError(`missing Zoho credentials: ${missing.join(', ')}`);
    this.#opts = opts;
    this.#endpoints = opts.endpoints;
    this.#policy = retryPolicy(opts.retry);
    this.#pacer = new Pacer({
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      budgets: { projects: opts.projectsBudget ?? DEFAULT_PROJECTS_BUDGET },
      ...(opts.now !== undefined ? { now: opts.now } : {}),
    });
    this.#tokens = new AccessTokens(() => this.#grant());
    this.#fetch = opts.fetch ?? globalThis.fetch;
    for (const s of Object.values(opts.credentials)) this.#redactor.add(s);
  }

  get endpoints(): Endpoints {
    return this.#endpoints;
  }

  /** Masks a value in every later message and log line (the provider registers ZSC keys). */
  addSecret(secret: string): void {
    this.#redactor.add(secret);
  }

  redact(text: string): string {
    return this.#redactor.redact(text);
  }

  errorContext(method: string, path: string): ErrorContext {
    return { method, where: path.split('?')[0] ?? path, redact: (t) => this.redact(t) };
  }

  stats(): ClientStats {
    const { accounts, api, projects, retries, throttled } = this.#counts;
    return {
      calls: accounts + api + projects,
      byHost: { accounts, api, projects },
      retries,
      throttled,
      tokenRefreshes: this.#tokens.refreshes,
      maxInFlight: this.#pacer.stats().maxInFlight,
    };
  }

  /** One call; throws ZohoApiError for anything but 2xx. Reads (and writes if retryWrites) are retried. */
  request(req: ZohoRequest): Promise<ZohoAnswer> {
    const retry = req.method === 'GET' || this.#opts.retryWrites === true;
    if (!retry) return this.#once(req);
    return withRetry(() => this.#once(req), this.#policy, this.#onRetry(`${req.method} ${req.path}`));
  }

  get(host: ZohoRequest['host'], path: string, query?: Record<string, string>): Promise<ZohoAnswer> {
    return this.request({ method: 'GET', host, path, ...(query ? { query } : {}) });
  }

  async #once(req: ZohoRequest): Promise<ZohoAnswer> {
    const search = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
    const ctx = this.errorContext(req.method, req.path);
    const init = (token: string): RequestInit => ({
      method: req.method,
      headers: {
        Authorization: `Zoho-oauthtoken ${token}`,
        Accept: 'application/json',
        ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    });
    // The token is fetched before a pacer slot is taken: a refresh needs a slot of its own.
    let token = await this.#tokens.current();
    let answer = await this.#exchange(req.host, req.path + search, init(token));
    if (answer.status === 401 && errorFromResponse(answer, ctx).code === 'INVALID_TOKEN') {
      // Expired or revoked early: refresh once (shared with concurrent callers) and repeat this call.
      token = await this.#tokens.renew(token);
      answer = await this.#exchange(req.host, req.path + search, init(token));
    }
    if (answer.status < 200 || answer.status >= 300) throw errorFromResponse(answer, ctx);
    const body = parseJson(answer.body);
    if (body === undefined && answer.body.trim() !== '') throw malformedAnswer(ctx, answer.status, 'not JSON');
    return { status: answer.status, body };
  }

  /** The refresh-token grant, retried on transient failures (it has no side effect worth fearing). */
  async #grant(): Promise<TokenGrant> {
    const path = '/oauth/v2/token';
    const ctx = this.errorContext('POST', path);
    const grant = await withRetry(
      async () => parseTokenAnswer(await this.#exchange('accounts', path, { method: 'POST', body: refreshTokenForm(this.#opts.credentials) }), ctx),
      this.#policy,
      this.#onRetry(`POST ${path}`),
    );
    this.#redactor.add(grant.accessToken);
    this.#endpoints = applyApiDomain(this.#endpoints, grant.apiDomain, this.#opts.insecureHttp ?? false);
    return grant;
  }

  /** One HTTP exchange through the pacer, with a timeout; the body is read inside the slot. */
  async #exchange(host: HostKind, pathAndQuery: string, init: RequestInit): Promise<HttpAnswer> {
    const method = init.method ?? 'GET';
    const url = `${this.#endpoints[host]}${pathAndQuery}`;
    const logPath = maskQuery(pathAndQuery);
    return this.#pacer.run(host, async () => {
      this.#counts[host]++;
      const t0 = performance.now();
      const ms = () => Math.round(performance.now() - t0);
      try {
        const res = await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
        const body = await res.text();
        if (res.status === 429) this.#counts.throttled++;
        this.#log(`${method} ${host} ${logPath} ${res.status} ${ms()}ms`);
        return { status: res.status, headers: res.headers, body };
      } catch (err) {
        const e = errorFromFetchFailure(err, this.errorContext(method, `${this.#endpoints[host]}${pathAndQuery}`));
        this.#log(`${method} ${host} ${logPath} ${e.code} ${ms()}ms`);
        throw e;
      }
    });
  }

  #onRetry(what: string) {
    return (err: ZohoApiError, attempt: number): void => {
      this.#counts.retries++;
      this.#log(`retry ${attempt}/${this.#policy.retries} ${what} after ${err.code}`);
    };
  }

  #log(line: string): void {
    this.#opts.log?.(this.redact(line));
  }
}
