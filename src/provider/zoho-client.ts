import { setMaxListeners } from 'node:events';
import { UserError, ZohoApiError } from '../model/errors.js';
import { Redactor } from '../model/redactor.js';
import type { Endpoints, HostKind } from './endpoints.js';
import { applyApiDomain } from './endpoints.js';
import type { TokenGrant, ZohoCredentials } from './oauth-token.js';
import { AccessTokens, parseTokenAnswer, refreshTokenForm } from './oauth-token.js';
import type { CallBudget } from './pacer.js';
import { DEFAULT_PROJECTS_BUDGET, Pacer } from './pacer.js';
import { maskQuery } from './redactor.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import { retryPolicy, withRetry } from '../retry/retry-policy.js';
import type { ErrorContext, HttpAnswer } from './zoho-error.js';
import { answerTooLarge, errorFromNetworkFailure, errorFromResponse, formatDuration, malformedAnswer, parseJson, redirectRefused } from './zoho-error.js';
import type { HttpTransport } from './http-transport.js';
import { createHttpTransport } from './http-transport.js';

export interface ZohoClientOptions {
  endpoints: Endpoints;
  credentials: ZohoCredentials;
  /** Allows a plain-http `api_domain` off loopback (only meaningful with --insecure-http). */
  insecureHttp?: boolean;
  /** Calls in flight at once; default 5 (CRM's lowest edition limit). */
  concurrency?: number;
  /** Per-call timeout (headers and body), default 30 s (ZPI_CALL_TIMEOUT). */
  timeoutMs?: number;
  /** Deadline for one read() or readLinks(), retries and token grant included; default 110 s (ZPI_READ_DEADLINE). */
  readDeadlineMs?: number;
  /** Cap on one answer's body; default 32 MiB (ZPI_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Cap on AllUsers pages in one read; default 5,000 (1M users; ZPI_MAX_USER_PAGES). */
  maxUserPages?: number;
  /** How long an answer may keep us waiting before onWait hears of it (then every twice that); default 5 s. */
  waitNoticeMs?: number;
  /** Lines for the person waiting (the CLI prints them on stderr): slow answers and retry waits. */
  onWait?: (line: string) => void;
  retry?: Partial<RetryPolicy>;
  /** Zoho Projects call budget; default 90 calls per 120 s. */
  projectsBudget?: CallBudget;
  /** The pacer's clock, also for "so far" in onWait lines (tests move it on instead of waiting); default Date.now. */
  now?: () => number;
  /** Debug lines: method, host kind, path, status, ms. Never a secret or a body. */
  log?: (line: string) => void;
  /** The HTTP exchange (tests tap or reroute it); default createHttpTransport() (TLS verification always on). */
  transport?: HttpTransport;
}

/** What one exchange sends, before the transport adds the URL, the signal and the byte cap. */
interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body?: string;
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
  /** Aborted (a read's deadline): the call is cancelled and no retry starts; rejects with the reason. */
  signal?: AbortSignal;
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

export interface ClientLimits {
  callTimeoutMs: number;
  readDeadlineMs: number;
  maxResponseBytes: number;
  maxUserPages: number;
  waitNoticeMs: number;
}

/** Zoho answers in well under a second; 30 s is a host that is not going to answer. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A silent server: named on stderr after 5 s, given up on within two minutes (issue "Hostile remotes"). */
export const DEFAULT_READ_DEADLINE_MS = 110_000;
/** Zoho's largest answer zpi asks for is a page of 200 users, well under 1 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 2 ** 20;
export const DEFAULT_MAX_USER_PAGES = 5_000;
export const DEFAULT_WAIT_NOTICE_MS = 5_000;

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
  readonly #transport: HttpTransport;
  readonly #counts = { accounts: 0, api: 0, projects: 0, retries: 0, throttled: 0 };
  /** Calls started and not settled ("GET /crm/v8/users" → how many), for the deadline's message. */
  readonly #pending = new Map<string, number>();
  readonly limits: Readonly<ClientLimits>;

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
    this.#tokens = new AccessTokens((signal) => this.#grant(signal));
    this.#transport = opts.transport ?? createHttpTransport();
    this.limits = {
      callTimeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      readDeadlineMs: opts.readDeadlineMs ?? DEFAULT_READ_DEADLINE_MS,
      maxResponseBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxUserPages: opts.maxUserPages ?? DEFAULT_MAX_USER_PAGES,
      waitNoticeMs: opts.waitNoticeMs ?? DEFAULT_WAIT_NOTICE_MS,
    };
    for (const s of Object.values(opts.credentials)) this.addSecret(s);
  }

  get endpoints(): Endpoints {
    return this.#endpoints;
  }

  /** Masks a value in every later message and log line (the provider registers ZSC keys). */
  addSecret(secret: string): void {
    // The Redactor masks its encoded forms too (JSON, URL, form bodies).
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

  /** One call; throws ZohoApiError for anything but 2xx. Reads are retried; writes are not (the executor retries whole steps and counts them). */
  request(req: ZohoRequest): Promise<ZohoAnswer> {
    const what = `${req.method} ${req.path}`;
    if (req.method !== 'GET') return this.#track(what, () => this.#once(req));
    return this.#track(what, () => withRetry(() => this.#once(req), this.#policy, this.#onRetry(what), req.signal));
  }

  get(host: ZohoRequest['host'], path: string, query?: Record<string, string>, signal?: AbortSignal): Promise<ZohoAnswer> {
    return this.request({ method: 'GET', host, path, ...(query ? { query } : {}), ...(signal ? { signal } : {}) });
  }

  /**
   * Runs a command's reads under one deadline (limits.readDeadlineMs): when it passes, the calls in
   * flight are cancelled, no retry or queued call starts, and the result rejects naming the calls still
   * waited for. Whatever fn leaves running when it settles first (the other reads of a failed
   * Promise.all) is cancelled too, so nothing keeps calling Zoho after the read has ended.
   */
  async withDeadline<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.limits.readDeadlineMs;
    const ctl = new AbortController();
    // Every call under the deadline listens to it while it waits (a page read of 10,000 users queues
    // 50 at once behind the pacer), each removing its listener when done: not the leak Node's
    // 10-listener warning guesses at, which it printed in the middle of `zpi plan`.
    setMaxListeners(0, ctl.signal);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waited = [...this.#pending.keys()];
        const list = waited.length > 0 ? `still waiting for ${waited.join(', ')}` : 'nothing answered in time';
        const err = new ZohoApiError(0, 'DEADLINE', `${what} stopped after ${formatDuration(ms)} (ZPI_READ_DEADLINE): ${list}`, false);
        ctl.abort(err);
        reject(err);
      }, ms);
    });
    try {
      return await Promise.race([fn(ctl.signal), expired]);
    } finally {
      clearTimeout(timer);
      if (!ctl.signal.aborted) ctl.abort(new ZohoApiError(0, 'ABORTED', `${what} had already ended`, false));
    }
  }

  async #once(req: ZohoRequest): Promise<ZohoAnswer> {
    const search = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
    const ctx = this.errorContext(req.method, req.path);
    const init = (token: string): Outgoing => ({
      method: req.method,
      headers: {
        Authorization: `Zoho-oauthtoken ${token}`,
        Accept: 'application/json',
        ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    });
    // The token is fetched before a pacer slot is taken: a refresh needs a slot of its own.
    let token = await abortable(this.#tokens.current(req.signal), req.signal);
    let answer = await this.#exchange(req.host, req.path + search, init(token), req.signal);
    if (answer.status === 401 && errorFromResponse(answer, ctx).code === 'INVALID_TOKEN') {
      // Expired or revoked early: refresh once (shared with concurrent callers) and repeat this call.
      token = await abortable(this.#tokens.renew(token, req.signal), req.signal);
      answer = await this.#exchange(req.host, req.path + search, init(token), req.signal);
    }
    if (answer.status < 200 || answer.status >= 300) throw errorFromResponse(answer, ctx);
    const body = parseJson(answer.body);
    if (body === undefined && answer.body.trim() !== '') throw malformedAnswer(ctx, answer.status, 'not JSON');
    return { status: answer.status, body };
  }

  /** The refresh-token grant, retried on transient failures (it has no side effect worth fearing). */
  async #grant(signal?: AbortSignal): Promise<TokenGrant> {
    const path = '/oauth/v2/token';
    const ctx = this.errorContext('POST', path);
    const form: Outgoing = {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: refreshTokenForm(this.#opts.credentials).toString(),
    };
    const exchange = async () => parseTokenAnswer(await this.#exchange('accounts', path, form, signal), ctx);
    const grant = await this.#track(`POST ${path}`, () => withRetry(exchange, this.#policy, this.#onRetry(`POST ${path}`), signal));
    this.addSecret(grant.accessToken);
    // Checked before the token is used: a hostile api_domain gets no call (throws UNTRUSTED_API_DOMAIN).
    this.#endpoints = applyApiDomain(this.#endpoints, grant.apiDomain, this.#opts.insecureHttp ?? false);
    return grant;
  }

  /**
   * One HTTP exchange through the pacer, with a timeout; the body is read inside the slot, at most
   * limits.maxResponseBytes of it. Redirects are never followed (see redirectRefused).
   */
  async #exchange(host: HostKind, pathAndQuery: string, init: Outgoing, signal?: AbortSignal): Promise<HttpAnswer> {
    const { method } = init;
    const url = `${this.#endpoints[host]}${pathAndQuery}`;
    const logPath = maskQuery(pathAndQuery);
    const ctx = this.errorContext(method, pathAndQuery);
    const { callTimeoutMs, maxResponseBytes } = this.limits;
    return this.#pacer.run(host, async () => {
      // The deadline passed while this call waited for a slot: it never leaves.
      signal?.throwIfAborted();
      this.#counts[host]++;
      const t0 = performance.now();
      const ms = () => Math.round(performance.now() - t0);
      const quiet = this.#noticeWhileWaiting(`${method} ${ctx.where}`);
      // The call's own timeout, and the caller's deadline linked in for this call only: a listener left on
      // the deadline by every page of a 10,000-user read (AbortSignal.any) made Node warn of a leak.
      const linked = callSignal(callTimeoutMs, signal);
      try {
        const res = await this.#transport({
          ...init,
          url,
          signal: linked.signal,
          maxBytes: maxResponseBytes,
          tooLarge: (status) => answerTooLarge(ctx, status, maxResponseBytes),
        });
        if (res.status === 429) this.#counts.throttled++;
        if (res.status >= 300 && res.status < 400) throw redirectRefused(ctx, res.status, res.headers.get('location'), url);
        this.#log(`${method} ${host} ${logPath} ${res.status} ${ms()}ms`);
        return res;
      } catch (err) {
        const e = errorFromNetworkFailure(err, { ...this.errorContext(method, url), timeoutMs: callTimeoutMs });
        this.#log(`${method} ${host} ${logPath} ${e.code} ${ms()}ms`);
        throw e;
      } finally {
        linked.unlink();
        quiet();
      }
    });
  }

  /** While an answer keeps us waiting: a line after waitNoticeMs, then every twice that. Returns the stop. */
  #noticeWhileWaiting(what: string): () => void {
    if (!this.#opts.onWait) return () => undefined;
    const now = this.#opts.now ?? Date.now;
    const start = now();
    const every = this.limits.waitNoticeMs;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (after: number): void => {
      timer = setTimeout(() => {
        this.#wait(`waiting for ${what} (${formatDuration(now() - start)} so far)…`);
        schedule(every * 2);
      }, after);
    };
    schedule(every);
    return () => clearTimeout(timer);
  }

  async #track<T>(what: string, run: () => Promise<T>): Promise<T> {
    this.#pending.set(what, (this.#pending.get(what) ?? 0) + 1);
    try {
      return await run();
    } finally {
      const left = (this.#pending.get(what) ?? 1) - 1;
      if (left > 0) this.#pending.set(what, left);
      else this.#pending.delete(what);
    }
  }

  #onRetry(what: string) {
    return (err: ZohoApiError, attempt: number, delayMs: number): void => {
      this.#counts.retries++;
      this.#log(`retry ${attempt}/${this.#policy.retries} ${what} after ${err.code}`);
      this.#wait(`retrying ${what} (attempt ${attempt + 1} of ${this.#policy.retries + 1}) in ${formatDuration(delayMs)}…`);
    };
  }

  #wait(line: string): void {
    this.#opts.onWait?.(this.redact(line));
  }

  #log(line: string): void {
    this.#opts.log?.(this.redact(line));
  }
}

/**
 * The signal of one call: aborted with a TimeoutError after `ms`, or with the caller's reason when
 * `outer` aborts first. unlink() stops the timer and takes the listener off `outer`, so nothing stays
 * attached to a long-lived deadline once the call is over.
 */
function callSignal(ms: number, outer?: AbortSignal): { signal: AbortSignal; unlink: () => void } {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  const fromOuter = (): void => ctl.abort(outer?.reason);
  if (outer?.aborted) fromOuter();
  else outer?.addEventListener('abort', fromOuter, { once: true });
  return {
    signal: ctl.signal,
    unlink: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', fromOuter);
    },
  };
}

/** p, or the signal's reason as soon as it aborts (a shared token refresh may outlive one caller's deadline). */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

