import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runSandboxCli } from '../../sandbox/index.js';
import type { Io } from '../io.js';

export interface SandboxCommandOptions {
  port: number;
  state: string;
  seed?: string;
  faults?: string;
  limits?: string;
}

/** `zpi sandbox`: runs the emulator until SIGINT/SIGTERM, then closes it cleanly (exit 0). */
export async function sandboxCommand(opts: SandboxCommandOptions, io: Io): Promise<number> {
  mkdirSync(dirname(opts.state), { recursive: true, mode: 0o700 });
  const handle = await runSandboxCli({
    port: opts.port,
    stateFile: opts.state,
    seedFile: opts.seed,
    faults: opts.faults,
    limits: opts.limits,
    stdout: io.out,
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  io.err('sandbox stopped\n');
  return 0;
}
