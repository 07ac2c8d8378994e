import { existsSync } from 'node:fs';
import { describeFaults, parseFaults } from './faults.js';
import { describeLimits, parseLimits } from './limits.js';
import { SandboxOptionError } from './options-error.js';
import { effectiveCredentials, userByEmail } from './org-lookup.js';
import { DEFAULT_SEED_PATH } from './state-store.js';
import { effectiveSpecs, startSandbox, type SandboxHandle } from './server.js';
import { SandboxInUseError } from './state-lock.js';

export interface RunSandboxCliOptions {
  port?: number;
  stateFile?: string;
  /** Seeds a state file that does not exist yet (or the in-memory state); refused when the state file exists. */
  seedFile?: string;
  faults?: string;
  limits?: string;
  tokenTtlSec?: number;
  zohoOnly?: boolean;
  /** Prints one line (no trailing newline needed). */
  stdout: (line: string) => void;
  /** Also print one line per request (default true). */
  logRequests?: boolean;
}

/**
 * `zpi sandbox`: starts the sandbox and prints where it listens and which credentials to use.
 * The caller owns the process: it handles SIGINT/SIGTERM by calling handle.close().
 */
export async function runSandboxCli(opts: RunSandboxCliOptions): Promise<SandboxHandle> {
  const out = opts.stdout;
  const { faults, limits } = effectiveSpecs(opts);
  // An existing state file is used as it is and the seed is never read: a --seed given anyway would be
  // silently ignored while the banner named it, so it is refused instead.
  const existing = opts.stateFile !== undefined && existsSync(opts.stateFile);
  if (existing && opts.seedFile !== undefined) {
    throw new SandboxOptionError(`--seed ${opts.seedFile}: state file ${opts.stateFile} exists already; delete it to reseed, or omit --seed`);
  }
  const handle = await startSandbox({
    port: opts.port,
    stateFile: opts.stateFile,
    seed: opts.seedFile,
    faults,
    limits,
    tokenTtlSec: opts.tokenTtlSec,
    zohoOnly: opts.zohoOnly,
    log: opts.logRequests === false ? undefined : (line) => out(line),
  }).catch((err: unknown) => {
    // The default advice is for the embedded sandbox (--sandbox); here the user picks the file.
    if (err instanceof SandboxInUseError) throw new SandboxInUseError(err.file, err.holder, 'stop it or use --state with another file');
    throw err;
  });
  const state = handle.state();
  out(`zpi sandbox listening on ${handle.url}`);
  out(`  org     ${state.org.company_name} (${state.org.id})`);
  const origin = existing ? 'existing file, not reseeded' : `seed ${opts.seedFile ?? DEFAULT_SEED_PATH}`;
  out(`  state   ${opts.stateFile ?? 'in memory (lost on exit)'} · ${origin}`);
  out(`  faults  ${describeFaults(parseFaults(faults))}`);
  out(`  limits  ${describeLimits(parseLimits(limits))}`);
  if (opts.zohoOnly) out('  mode    zoho-only: the integration settings endpoints answer 404, as on real Zoho');
  // These are dummies that only this sandbox accepts; printing them leaks nothing.
  out('Credentials (sandbox-only dummies, not secrets):');
  for (const c of effectiveCredentials(state)) {
    const profile = userByEmail(state, c.user)?.profile ?? '?';
    out(`  ZOHO_CLIENT_ID=${c.client_id} ZOHO_CLIENT_SECRET=${c.client_secret} ZOHO_REFRESH_TOKEN=${c.refresh_token}   # acts as ${c.user} (${profile})`);
  }
  out(`Point zpi at it with ZPI_ENDPOINT=${handle.url} (or --endpoint ${handle.url}).`);
  return handle;
}
