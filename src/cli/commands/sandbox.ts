import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../model/errors.js';
import { runSandboxCli } from '../../sandbox/index.js';
import type { Io } from '../io.js';
import { fsReason } from '../write-output.js';

export interface SandboxCommandOptions {
  port: number;
  state: string;
  seed?: string;
  faults?: string;
  limits?: string;
  zohoOnly?: boolean;
}

/** `zpi sandbox`: runs the emulator until SIGINT/SIGTERM, then closes it cleanly (exit 0). */
export async function sandboxCommand(opts: SandboxCommandOptions, io: Io): Promise<number> {
  // Listen for the signal before starting: a SIGTERM during start-up must still end in a clean close.
  // `on`, not `once`, until closed: proper-lockfile's exit hook (signal-exit) re-raises a signal that
  // no other listener is left to handle, which would kill the process before the close.
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (): void => stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await serveUntilStopped(opts, io, stopped);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function serveUntilStopped(opts: SandboxCommandOptions, io: Io, stopped: Promise<void>): Promise<number> {
  try {
    mkdirSync(dirname(opts.state), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new UserError(`cannot create the directory of state file ${opts.state}: ${fsReason(err)}`);
  }
  let handle: Awaited<ReturnType<typeof runSandboxCli>>;
  try {
    handle = await runSandboxCli({
      port: opts.port,
      stateFile: opts.state,
      seedFile: opts.seed,
      faults: opts.faults,
      limits: opts.limits,
      zohoOnly: opts.zohoOnly,
      // runSandboxCli prints one line per call, without the newline.
      stdout: (line) => io.out(`${line}\n`),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${opts.port} on 127.0.0.1 is already in use; pick another with --port (0 = any free port)`);
    if (code === 'EACCES') throw new UserError(`not allowed to listen on port ${opts.port}; pick another with --port (0 = any free port)`);
    throw err;
  }
  await stopped;
  await handle.close();
  io.err('sandbox stopped\n');
  return 0;
}
