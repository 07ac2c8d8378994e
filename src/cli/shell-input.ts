import { clockFrom } from './clock.js';
import type { Io } from './io.js';
import { progressBar, type ProgressBar } from './progress.js';
import type { OpenTarget } from './target.js';

export interface ShellInput {
  provider: OpenTarget['provider'];
  target: OpenTarget;
  progress: ProgressBar;
  /** The time of the run (ZPI_NOW or the clock), ISO 8601. */
  now: string;
}

/** What the planning shell (src/run) gets from the command line: the provider, a progress bar on a terminal, the run's time. */
export function shellInput(io: Io, target: OpenTarget): ShellInput {
  return { provider: target.provider, target, progress: progressBar(io, 'reading users'), now: clockFrom(io.env)().toISOString() };
}
