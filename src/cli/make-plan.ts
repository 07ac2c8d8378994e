import type { Desired } from '../model/desired.js';
import type { Plan } from '../model/plan.js';
import { plural } from '../render/summary-line.js';
import type { Reads } from '../run/index.js';
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

/** "Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s)." */
export function readSummary(reads: Reads): string {
  return (
    `Read ${plural(reads.users, 'user')}, ${plural(reads.profiles, 'profile')}, ${plural(reads.portals, 'portal')} ` +
    `in ${plural(reads.calls, 'call')} (${(reads.ms / 1000).toFixed(2)} s).`
  );
}

export function planHeader(command: string, desired: Desired, p: Plan): string {
  const t = p.target;
  return `zpi ${command} · ${desired.file} → ${t.org.name} (org ${t.org.id}) via ${t.endpointKind} ${t.endpoint}`;
}
