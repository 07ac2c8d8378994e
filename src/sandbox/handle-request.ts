import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, handleToken, type TokenStore } from './auth.js';
import type { FaultInjector } from './faults.js';
import { SandboxHttpError, zohoError } from './http-error.js';
import type { Limiter } from './limits.js';
import { MAX_BODY_BYTES, readBody } from './read-body.js';
import { tooMany, writeFault, writeJson } from './respond.js';
import type { HandlerResult, RequestContext } from './route-types.js';
import { isModelledPath, matchRoute, type RouteMatch } from './routes.js';
import type { StateStore } from './state-store.js';

export interface SandboxRuntime {
  store: StateStore;
  tokens: TokenStore;
  faults: FaultInjector;
  limiter: Limiter;
  zohoOnly: boolean;
  baseUrl: string;
  stats: { requests: number; byStatus: Record<string, number>; maxInFlight: number; inFlight: number };
  log: (line: string) => void;
}

async function dispatch(rt: SandboxRuntime, match: RouteMatch, ctx: RequestContext): Promise<HandlerResult> {
  const { method } = ctx;
  const path = ctx.url.pathname;
  switch (match.kind) {
    case 'token':
      return handleToken(ctx, rt.tokens);
    case 'api':
      return match.route.handler(ctx, authenticate(ctx.headers, rt.tokens, rt.store.get()));
    case 'wrong-method':
      throw new SandboxHttpError(405, 'INVALID_REQUEST_METHOD', `${method} is not allowed on ${path} (allowed: ${match.allow.join(', ')})`, { method, path }, { allow: match.allow.join(', ') });
    case 'unknown':
      if (rt.zohoOnly && isModelledPath(path)) {
        throw new SandboxHttpError(404, 'INVALID_URL_PATTERN', `Please check if the URL trying to access is a correct one (${method} ${path}; zoho-only sandbox)`);
      }
      // STYLE 9: a client bug calling a route nobody serves must not pass silently.
      throw new SandboxHttpError(501, 'NOT_IMPLEMENTED', `the sandbox does not implement ${method} ${path}`, { method, path });
  }
}

/**
 * One request: limits → body → latency → fault (before) → route → fault (after) → answer.
 * The fault is drawn first for every request so the sequence depends only on arrival order.
 */
export async function handleRequest(rt: SandboxRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  // Prefixing (not resolving against a base) keeps a target like "//host/x" a path.
  const url = URL.canParse(`http://127.0.0.1${target}`) ? new URL(`http://127.0.0.1${target}`) : new URL('http://127.0.0.1/');
  const path = url.pathname; // never the query: the token endpoint may carry secrets in it
  const st = rt.stats;
  st.requests++;
  st.maxInFlight = Math.max(st.maxInFlight, ++st.inFlight);
  let answered = false;
  let release = (): void => undefined;
  const finish = (status: string, note?: string): void => {
    if (answered) return; // e.g. the client left during the latency delay: already counted as aborted
    answered = true;
    st.byStatus[status] = (st.byStatus[status] ?? 0) + 1;
    rt.log(`${method} ${path} ${status} ${Date.now() - started}ms${note ? ` (${note})` : ''}`);
  };
  res.on('close', () => {
    st.inFlight--;
    release();
    if (!answered) finish('aborted', 'client went away');
  });
  const fail = (e: SandboxHttpError, note?: string): void => {
    writeJson(res, e.status, e.body(), e.headers);
    finish(String(e.status), note);
  };

  // The token endpoint is faulted too: Zoho's accounts server fails like the others, and a client
  // must retry its refresh. Limit rejections below are answered at once, without the latency.
  const fault = rt.faults.next();
  const match = matchRoute(method, path, rt.zohoOnly);
  const write = match.kind === 'api' && match.route.write;
  const strike = (note: string | undefined): void => {
    if (fault.kind === 'reset') {
      req.socket.destroy();
      finish('reset', note ? `fault, ${note}` : 'fault');
    } else if (fault.kind !== 'none') {
      finish(String(writeFault(res, fault.kind)), note ? `fault, ${note}` : 'fault');
    }
  };
  try {
    // Accounts is a separate server in Zoho: CRM's concurrency limit does not cover the token call.
    if (match.kind !== 'token') {
      const entered = rt.limiter.enter();
      if (typeof entered === 'string') return fail(tooMany(entered), 'limit');
      release = entered.release;
    }
    const overProjects = path.startsWith('/restapi/') ? rt.limiter.enterProjects() : undefined;
    if (overProjects) return fail(tooMany(overProjects), 'limit');
    const body = await readBody(req);
    if (body.kind === 'too-large') {
      const e = new SandboxHttpError(413, 'REQUEST_ENTITY_TOO_LARGE', `the request body (${body.bytes} bytes) exceeds ${MAX_BODY_BYTES} bytes`, {}, { connection: 'close' });
      return fail(e);
    }
    if (rt.faults.spec.latencyMs > 0) await sleep(rt.faults.spec.latencyMs);
    if (fault.kind !== 'none' && !(write && fault.afterWrite)) return strike(write ? 'write not applied' : undefined);

    const ctx: RequestContext = { method, url, headers: req.headers, body: body.body, baseUrl: rt.baseUrl, store: rt.store };
    let result: HandlerResult | SandboxHttpError;
    try {
      result = await dispatch(rt, match, ctx);
    } catch (err) {
      if (!(err instanceof SandboxHttpError)) throw err;
      result = err;
    }
    const applied = !(result instanceof SandboxHttpError) && result.status < 400;
    if (fault.kind !== 'none') return strike(applied ? 'write applied' : 'write not applied');
    if (result instanceof SandboxHttpError) return fail(result);
    writeJson(res, result.status, result.body);
    finish(String(result.status));
  } catch (err) {
    // The client went away mid-body: nothing to answer (the close handler logs it).
    if (res.destroyed || req.socket.destroyed) return;
    rt.log(`internal error on ${method} ${path}: ${(err as Error).stack ?? String(err)}`);
    writeJson(res, 500, zohoError('INTERNAL_ERROR', `sandbox internal error: ${(err as Error).message}`));
    finish('500', 'internal error');
  }
}
