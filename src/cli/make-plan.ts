import { fingerprintWithSections } from '../model/fingerprint.js';
import type { Desired } from '../model/desired.js';
import type { Live } from '../model/live.js';
import type { Plan, PlanOptions } from '../model/plan.js';
import type { RecordFile } from '../model/record.js';
import { plan } from '../plan/index.js';
import { recordSection } from '../record/journal.js';
import { plural } from '../render/summary-line.js';
import type { Io } from './io.js';
import { clockFrom } from './clock.js';
import { progressBar } from './progress.js';
import type { OpenTarget } from './target.js';

export interface Planned {
  plan: Plan;
  live: Live;
  /** "Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s)." */
  readSummary: string;
}

/**
 * Reads live state through `target` and calls the pure plan(); the only I/O around planning.
 * `check` sees the live state first and may refuse it (a saved plan's target) before plan() does.
 * `record` is the record file (DESIGN §5a), if there is one: plan gets its section for this org and target.
 */
export async function readAndPlan(
  desired: Desired,
  target: OpenTarget,
  options: PlanOptions,
  io: Io,
  check?: (live: Live) => void,
  record?: RecordFile,
): Promise<Planned> {
  const started = performance.now();
  const callsBefore = target.provider.stats().calls;
  const bar = progressBar(io, 'reading users');
  let live: Live;
  try {
    live = await target.provider.read({ onProgress: bar.update });
  } finally {
    bar.done();
  }
  let readMs = performance.now() - started;
  check?.(live);
  // One pass over the live state for the plan's fingerprint and the per-section ones (stale-plan messages).
  const fingerprints = fingerprintWithSections(live);
  const ctx = {
    target: { org: { id: live.org.id, name: live.org.companyName }, endpointKind: target.kind, endpoint: target.endpoint },
    options,
    liveFingerprint: fingerprints.fingerprint,
    record: recordSection(record, target.kind, live.org.id),
    now: clockFrom(io.env)().toISOString(),
  };
  let result = plan(desired, live, ctx);
  // Link counts cost a call; only a step that drops links needs them (for its blast radius).
  const dropsLinks = result.steps.some((s) => s.kind === 'deactivate' || s.kind === 'change-portal');
  if (dropsLinks && !live.links && live.integration) {
    const t0 = performance.now();
    live = { ...live, links: await target.provider.readLinks() };
    readMs += performance.now() - t0;
    result = plan(desired, live, ctx);
  }
  // Link counts are not part of the fingerprint: reading them changed neither.
  result.liveSections = fingerprints.sections;
  const calls = target.provider.stats().calls - callsBefore;
  // The time the reads took (planning is not reading).
  const secs = (readMs / 1000).toFixed(2);
  const readSummary =
    `Read ${plural(live.users.length, 'user')}, ${plural(live.profiles.length, 'profile')}, ${plural(live.portals.length, 'portal')} ` +
    `in ${plural(calls, 'call')} (${secs} s).`;
  return { plan: result, live, readSummary };
}

export function planHeader(command: string, desired: Desired, p: Plan): string {
  const t = p.target;
  return `zpi ${command} · ${desired.file} → ${t.org.name} (org ${t.org.id}) via ${t.endpointKind} ${t.endpoint}`;
}
