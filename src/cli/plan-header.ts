import type { Desired } from '../model/desired.js';
import type { Plan } from '../model/plan.js';
import { plural } from '../render/summary-line.js';
import type { Reads } from '../run/index.js';

/** "Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s)." */
export function readSummary(reads: Reads): string {
  return (
    `Read ${plural(reads.users, 'user')}, ${plural(reads.profiles, 'profile')}, ${plural(reads.portals, 'portal')} ` +
    `in ${plural(reads.calls, 'call')} (${(reads.ms / 1000).toFixed(2)} s).`
  );
}

/** The first line of a plan on a terminal: the command, the manifest and the target. */
export function planHeader(command: string, desired: Desired, p: Plan): string {
  const t = p.target;
  return `zpi ${command} · ${desired.file} → ${t.org.name} (org ${t.org.id}) via ${t.endpointKind} ${t.endpoint}`;
}
