import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenStore } from './auth.js';
import { FaultInjector, parseFaults } from './faults.js';
import { handleRequest, type SandboxRuntime } from './handle-request.js';
import { Limiter, parseLimits } from './limits.js';
import { SandboxOptionError } from './options-error.js';
import { lockStateFile, type StateLock } from './state-lock.js';
import { StateStore } from './state-store.js';
import { sweepStaleTemps } from './temp-files.js';
import type { SandboxState } from './state-types.js';

export interface SandboxOptions {
  /** 0 or undefined: a random free port. The sandbox always binds 127.0.0.1 only. */
  port?: number;
  /** JSON state file, created from the seed when missing; undefined: state lives in memory only. */
  stateFile?: string;
  /** Path of a seed file or the state itself; default examples/sandbox/org.json. */
  seed?: string | SandboxState;
  /** 'rate=0.2,latency=50ms,reset=0.05,seed=7'; when undefined, env ZPI_SANDBOX_FAULTS. '' = none. */
  faults?: string;
  /** 'concurrency=5,projects=100/120s'; when undefined, env ZPI_SANDBOX_LIMITS. '' = none. */
  limits?: string;
  /** Lifetime of access tokens in seconds (fractions allowed, for tests); default 3600. */
  tokenTtlSec?: number;
  /**
   * Serve only what Zoho publishes (WIRE.md A): the modelled integration endpoints (WIRE.md B) answer
   * 404 INVALID_URL_PATTERN as real Zoho does, so the client's manual-step path can be exercised.
   */
  zohoOnly?: boolean;
  /** One line per request: method, path (no query), status, duration, and for a faulted write whether it happened. */
  log?: (line: string) => void;
}

export interface SandboxStats {
  requests: number;
  /** By HTTP status ("200", "429"…), plus "reset" for injected resets and "aborted" for clients that left. */
  byStatus: Record<string, number>;
  maxInFlight: number;
}

export interface SandboxHandle {
  /** http://127.0.0.1:PORT — the accounts, api and projects base URL at once. */
  url: string;
  port: number;
  /** Stops listening, drops every connection (idle keep-alive ones too) and waits for pending writes. */
  close(): Promise<void>;
  /** A deep copy of the current state. */
  state(): SandboxState;
  stats(): SandboxStats;
  /**
   * Every access token this sandbox has issued (expired ones too). For tests: they are secrets, and
   * the end-to-end harness checks none of them appears in anything zpi prints or writes.
   */
  issuedTokens(): string[];
  /** For tests: every access token issued so far expires now (Zoho's tokens last an hour). */
  expireTokens(): void;
}

/**
 * The fault and limit specs a sandbox runs with: as given, else ZPI_SANDBOX_FAULTS / ZPI_SANDBOX_LIMITS,
 * else none ('').
 */
export function effectiveSpecs(opts: Pick<SandboxOptions, 'faults' | 'limits'>, env: NodeJS.ProcessEnv = process.env): { faults: string; limits: string } {
  return { faults: opts.faults ?? env.ZPI_SANDBOX_FAULTS ?? '', limits: opts.limits ?? env.ZPI_SANDBOX_LIMITS ?? '' };
}

/**
 * Starts the emulator of WIRE.md's endpoints. Throws SandboxStateError / SandboxOptionError on bad
 * input, SandboxInUseError when another sandbox serves the same state file.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const specs = effectiveSpecs(opts);
  const faults = new FaultInjector(parseFaults(specs.faults));
  const limiter = new Limiter(parseLimits(specs.limits));
  const port = opts.port ?? 0;
  // listen() would throw a RangeError (a stack trace, not a message) for these.
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxOptionError(`port must be a whole number from 0 to 65535 (0 = any free port), got ${String(opts.port)}`);
  }
  const log = opts.log ?? (() => undefined);
  // One process per state file: two sandboxes on one file would each overwrite the other's writes.
  let lock: StateLock | undefined;
  if (opts.stateFile !== undefined) {
    const file = opts.stateFile;
    lock = await lockStateFile(file, (why) => log(`warning: lost the lock on state file ${file} (${why}); another sandbox may write it too`));
  }
  try {
    return await serve(opts, port, faults, limiter, lock, log);
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

async function serve(
  opts: SandboxOptions,
  port: number,
  faults: FaultInjector,
  limiter: Limiter,
  lock: StateLock | undefined,
  log: (line: string) => void,
): Promise<SandboxHandle> {
  // Holding the lock, no other sandbox writes this file: temp files of dead writers are leftovers.
  if (opts.stateFile !== undefined) await sweepStaleTemps(opts.stateFile);
  const store = await StateStore.open({ stateFile: opts.stateFile, seed: opts.seed });
  const rt: SandboxRuntime = {
    store,
    tokens: new TokenStore(opts.tokenTtlSec ?? 3600),
    faults,
    limiter,
    zohoOnly: opts.zohoOnly === true,
    baseUrl: '',
    stats: { requests: 0, byStatus: {}, maxInFlight: 0, inFlight: 0 },
    log,
  };
  // Timeouts bound what a stalled client can hold; the sandbox must outlive any client misbehaviour.
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 });
  server.on('request', (req, res) => {
    handleRequest(rt, req, res).catch((err: unknown) => {
      rt.log(`internal error: ${String(err)}`);
      res.destroy();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) socket.destroy();
    else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      rt.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url: rt.baseUrl,
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        store.seal(),
      ])
        // Only once the last write is on disk may another sandbox take the file.
        .then(() => lock?.release());
      return closing;
    },
    state: () => store.snapshot(),
    stats: () => ({ requests: rt.stats.requests, byStatus: { ...rt.stats.byStatus }, maxInFlight: rt.stats.maxInFlight }),
    issuedTokens: () => rt.tokens.allIssued(),
    expireTokens: () => rt.tokens.expireAll(),
  };
}
