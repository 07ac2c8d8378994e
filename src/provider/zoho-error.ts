import { ZohoApiError } from '../model/errors.js';
import { isObj, type Obj } from '../model/is-obj.js';
import { oneLine } from '../model/one-line.js';
import type { ItemResult } from './provider.js';

/** The longest message an error carries: the CLI prints it as one line. */
const MESSAGE_MAX = 300;

/**
 * The ONE place that turns what Zoho (or the network) answered into ZohoApiError / ItemResult.
 * Nothing above the client looks at raw responses. Messages are one line and carry no secret:
 * they never include request bodies, and everything taken from a response goes through `redact`.
 */

/** A finished HTTP exchange with the body already read as text. */
export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  body: string;
}

export interface ErrorContext {
  method: string;
  /** Where the call went, without the query string (e.g. /crm/v8/users or a full URL). */
  where: string;
  /** Masks secrets the server might echo back. */
  redact?: (text: string) => string;
  /** Clock for Retry-After HTTP-dates; tests pin it. */
  now?: number;
  /** The per-call timeout, named when a call runs out of it. */
  timeoutMs?: number;
}

/** 429 and 5xx are worth another try; 501 is not: "not implemented" will not change on retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Retry-After as delta-seconds or an HTTP-date, in ms (never negative); undefined when absent or garbled. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** "; details: {...}" when Zoho said which field or id was at fault; that is what users need to fix it. */
function detailsSuffix(details: unknown): string {
  if (details === undefined || details === null) return '';
  if (isObj(details) && Object.keys(details).length === 0) return '';
  return ` (details: ${JSON.stringify(details)})`;
}

const OAUTH_MESSAGES: Readonly<Record<string, string>> = {
  invalid_code: 'invalid client id, secret or refresh token',
  invalid_client: 'invalid client id or client secret',
  invalid_client_secret: 'invalid client secret',
  invalid_grant: 'invalid or revoked refresh token',
};

/**
 * Zoho's token endpoint answers `{error:"invalid_code"}` (sometimes with HTTP 200), never CRM's JSON.
 * Returns undefined when the body is not an OAuth error.
 */
export function oauthError(status: number, body: unknown, ctx: ErrorContext): ZohoApiError | undefined {
  if (!isObj(body) || typeof body.error !== 'string' || body.code !== undefined) return undefined;
  const code = body.error;
  const redact = ctx.redact ?? ((s: string) => s);
  const desc = str(body.error_description);
  const what = OAUTH_MESSAGES[code] ?? (desc ? redact(desc) : 'the token endpoint refused the request');
  // A refusal inside a 200 is still an authentication failure; report it as one.
  const httpStatus = status >= 200 && status < 300 ? 401 : status;
  const retryable = isRetryableStatus(httpStatus);
  return new ZohoApiError(httpStatus, code, oneLine(`OAuth refresh failed: ${what} (${redact(code)})`, MESSAGE_MAX), retryable);
}

/** Parses a non-2xx answer (CRM, Projects, OAuth or anything else) into a ZohoApiError. */
export function errorFromResponse(answer: HttpAnswer, ctx: ErrorContext): ZohoApiError {
  const { status } = answer;
  const redact = ctx.redact ?? ((s: string) => s);
  const retryable = isRetryableStatus(status);
  const retryAfterMs = retryable ? parseRetryAfter(answer.headers.get('retry-after'), ctx.now) : undefined;
  const body = parseJson(answer.body);
  const fromOauth = oauthError(status, body, ctx);
  if (fromOauth) return fromOauth;

  let code: string | undefined;
  let message: string | undefined;
  let details: unknown;
  if (isObj(body)) {
    // CRM: {code, details, message, status:"error"}; writes may wrap it as {data:[{…}]};
    // Projects: {error:{code, message}}.
    const first = Array.isArray(body.data) && isObj(body.data[0]) ? body.data[0] : undefined;
    const src = str(body.code) !== undefined ? body : isObj(body.error) ? body.error : first ?? body;
    code = str(src.code);
    message = str(src.message);
    details = src.details;
  }
  // Masked before it is cut short: a secret cut in two would no longer match, and half of it would show.
  const summary =
    body === undefined
      ? describeNonJson(redact(answer.body))
      : isObj(body)
        ? `${message ?? 'no message'}${detailsSuffix(details)}`
        : `unexpected answer: ${oneLine(redact(answer.body), 120)}`;
  const text = `${ctx.method} ${ctx.where} → ${status} ${code ?? httpCode(status)}: ${summary}`;
  return new ZohoApiError(status, code ?? httpCode(status), oneLine(redact(text), MESSAGE_MAX), retryable, retryAfterMs);
}

function httpCode(status: number): string {
  return status === 429 ? 'TOO_MANY_REQUESTS' : `HTTP_${status}`;
}

/** A proxy's HTML page or plain text: keep the <title> or the first words, never the whole page. */
function describeNonJson(text: string): string {
  if (text.trim() === '') return 'empty answer';
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  return `non-JSON answer: ${oneLine(title ?? text.replace(/<[^>]+>/g, ' '), 120)}`;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
// Node's certificate errors: CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, …
const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)|VERIFY/;

/** Codes and names along an error's cause chain (a wrapper may carry the socket error as its cause). */
function errorMarks(err: unknown, depth = 0): string[] {
  if (!isObj(err) && !(err instanceof Error)) return [];
  if (depth > 5) return [];
  const e = err as Obj;
  const marks = [str(e.code), str(e.name)].filter((m): m is string => m !== undefined);
  const nested = Array.isArray(e.errors) ? e.errors : [];
  return [...marks, ...errorMarks(e.cause, depth + 1), ...nested.flatMap((n) => errorMarks(n, depth + 1))];
}

/** Maps a failed exchange (no HTTP answer, or the body broke off) to a ZohoApiError with status 0. */
export function errorFromNetworkFailure(err: unknown, ctx: ErrorContext): ZohoApiError {
  if (err instanceof ZohoApiError) return err;
  const marks = errorMarks(err);
  const has = (set: Set<string>) => marks.some((m) => set.has(m));
  let code: string;
  let text: string;
  let retryable = true;
  if (marks.includes('TimeoutError') || has(TIMEOUT_CODES)) {
    const limit = ctx.timeoutMs === undefined ? 'in time' : `within ${formatDuration(ctx.timeoutMs)} (ZPI_CALL_TIMEOUT)`;
    [code, text] = ['TIMEOUT', `no answer ${limit}`];
  } else if (marks.includes('ECONNREFUSED')) {
    [code, text] = ['ECONNREFUSED', 'connection refused'];
  } else if (has(RESET_CODES)) {
    [code, text] = ['ECONNRESET', 'connection reset'];
  } else if (marks.includes('EAI_AGAIN')) {
    [code, text] = ['EAI_AGAIN', 'temporary DNS failure'];
  } else if (marks.includes('ENOTFOUND')) {
    [code, text, retryable] = ['ENOTFOUND', 'host not found (check the data centre or --endpoint)', false];
  } else if (marks.some((m) => TLS_CODE.test(m))) {
    const tls = marks.find((m) => TLS_CODE.test(m)) ?? 'TLS';
    [code, text, retryable] = ['TLS', `TLS certificate verification failed (${tls})`, false];
  } else if (marks.includes('AbortError')) {
    [code, text, retryable] = ['ABORTED', 'cancelled', false];
  } else {
    const first = marks.find((m) => m !== 'TypeError' && m !== 'Error');
    const msg = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    [code, text] = [first ?? 'NETWORK_ERROR', `network failure: ${msg}`];
    // Only a socket-level failure may pass on a retry; anything else (an invalid header value, a
    // malformed URL) fails the same way every time.
    retryable = first !== undefined && /^E[A-Z]+$/.test(first);
  }
  const redact = ctx.redact ?? ((s: string) => s);
  return new ZohoApiError(0, code, oneLine(redact(`${ctx.method} ${ctx.where} → ${code}: ${text}`), MESSAGE_MAX), retryable);
}

/** A 2xx answer whose body is not what the API documents: a bug somewhere, not worth retrying. */
export function malformedAnswer(ctx: ErrorContext, status: number, why: string): ZohoApiError {
  return new ZohoApiError(status, 'INVALID_RESPONSE', oneLine(`${ctx.method} ${ctx.where} → ${status}: unexpected answer: ${why}`, MESSAGE_MAX), false);
}

/**
 * Parses a write's per-item answer `{data:[{code, details, message, status}]}`, item i being about ids[i]
 * (Zoho answers in request order). HTTP 200 does not mean every item succeeded: each is checked.
 */
export function parseItemResults(body: unknown, ids: readonly string[], ctx: ErrorContext, status = 200): ItemResult[] {
  const data = isObj(body) ? body.data : undefined;
  if (!Array.isArray(data)) throw malformedAnswer(ctx, status, 'no data array');
  if (data.length !== ids.length) throw malformedAnswer(ctx, status, `${data.length} results for ${ids.length} items`);
  const redact = ctx.redact ?? ((s: string) => s);
  return data.map((item, i) => {
    const it = isObj(item) ? item : {};
    const code = str(it.code) ?? 'INVALID_RESPONSE';
    const ok = code === 'SUCCESS';
    const message = str(it.message) ?? (ok ? 'success' : 'no message');
    return { id: ids[i] ?? '', ok, code, message: oneLine(redact(ok ? message : `${message}${detailsSuffix(it.details)}`), MESSAGE_MAX) };
  });
}

/** For single-effect writes (associate, deactivate…): a failed item is a failed call. */
export function throwIfItemFailed(result: ItemResult, ctx: ErrorContext): void {
  if (result.ok) return;
  throw new ZohoApiError(400, result.code, oneLine(`${ctx.method} ${ctx.where} → ${result.code}: ${result.message}`, MESSAGE_MAX), false);
}

/** "250 ms", "4 s", "1.5 s", "110 s": durations in messages and progress lines. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** "32 MiB", "64 KiB", "1000 bytes". */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

/**
 * A 3xx answer. zpi never follows one: a redirect would carry the token call's client secret and
 * refresh token, or a call's access token, to a host nobody chose (issue "Hostile remotes").
 */
export function redirectRefused(ctx: ErrorContext, status: number, location: string | null, requestUrl: string): ZohoApiError {
  let target = 'a redirect with no Location';
  if (location !== null) {
    try {
      target = `a redirect to ${new URL(location, requestUrl).host}`;
    } catch {
      target = 'a redirect to an unreadable Location';
    }
  }
  const redact = ctx.redact ?? ((t: string) => t);
  return new ZohoApiError(status, 'REDIRECT', oneLine(redact(`${ctx.method} ${ctx.where} answered ${status}, ${target}; zpi never follows redirects`), MESSAGE_MAX), false);
}

/** An answer longer than the cap: not retried, as it would be as long again. */
export function answerTooLarge(ctx: ErrorContext, status: number, capBytes: number): ZohoApiError {
  return new ZohoApiError(
    status,
    'ANSWER_TOO_LARGE',
    `${ctx.method} ${ctx.where} answered more than ${formatBytes(capBytes)}; zpi stops reading there (ZPI_MAX_RESPONSE_BYTES)`,
    false,
  );
}
