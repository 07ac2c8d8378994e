import type { IncomingHttpHeaders } from 'node:http';
import type { StateStore } from './state-store.js';
import type { SandboxUser } from './state-types.js';

export interface RequestContext {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Raw request body (at most 1 MB). */
  body: Buffer;
  /** The sandbox's own base URL: it is the accounts, api and projects host at once. */
  baseUrl: string;
  store: StateStore;
}

export interface HandlerResult {
  status: number;
  /** JSON-serialised; undefined = empty body (204). */
  body?: unknown;
}

export type ApiHandler = (ctx: RequestContext, user: SandboxUser) => HandlerResult | Promise<HandlerResult>;

export interface ApiRoute {
  method: string;
  path: string;
  /** Changes state: fault injection logs whether the write happened. */
  write: boolean;
  /** WIRE.md B: zpi's model of the Setup screen, absent from real Zoho. */
  modelled: boolean;
  handler: ApiHandler;
}
