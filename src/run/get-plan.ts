import type { Desired } from '../model/desired.js';
import { escapeControls, UserError } from '../model/errors.js';
import type { Live, LiveIntegration } from '../model/live.js';
import type { Plan, PlanOptions, PlanTarget } from '../model/plan.js';
import type { RecordFile, RecordSection } from '../model/record.js';
import { plan } from '../plan/index.js';
import { associatedPortal } from '../plan/integration-state.js';
import { reconcileRecord } from '../plan/reconcile-record.js';
import { resolvePortal } from '../plan/resolve-portal.js';
import type { Provider } from '../provider/provider.js';
import { recordSection } from '../record/journal.js';

/** What the planning shell needs of a provider: the two reads, and a count of the calls they made. */
export interface ReadingProvider extends Pick<Provider, 'read' | 'readLinks'> {
  stats(): { calls: number };
}

/** Where the provider goes, as a plan names it (never credentials). */
export interface RunTarget {
  kind: PlanTarget['endpointKind'];
  endpoint: string;
}

/** Reports the read of a large org as it goes (a progress bar); `done` once the users are read. */
export interface ReadProgress {
  update(done: number, total: number): void;
  done(): void;
}

/** What the reads cost: "Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s)." */
export interface Reads {
  /** API calls the reads made (token grants and retries included). */
  calls: number;
  users: number;
  profiles: number;
  portals: number;
  /** Time spent reading, link counts included (planning is not reading). */
  ms: number;
  /** The link counts were read (a step drops project links). */
  links: boolean;
}

export interface ReadInput {
  provider: ReadingProvider;
  target: RunTarget;
  /** The record file (DESIGN §5a), if there is one: its section for this org and target is looked up. */
  record?: RecordFile;
  progress?: ReadProgress;
}

export interface Current {
  live: Live;
  /** The record's section for this org and target, if the record has one. */
  section: RecordSection | undefined;
  /**
   * The integration's settings as they stand: the live ones where they can be read; on real Zoho the
   * record's, less what real Zoho shows is gone; null when unreadable and nothing is recorded.
   */
  settings: LiveIntegration | null;
  reads: Reads;
}

/** Reads the live state and puts the record beside it; the only reading `access` and `export` do. */
export async function readCurrent(input: ReadInput): Promise<Current> {
  const { live, reads } = await readLive(input.provider, input.progress);
  return { live, reads, ...fromRecord(live, input.target, input.record) };
}

export interface GetPlanInput extends ReadInput {
  desired: Desired;
  options: PlanOptions;
  /** The time of the run (ISO 8601), for `expires`; without it nothing expires. */
  now?: string;
  /** Sees the live state before anything else and may refuse it (a saved plan's target). */
  check?: (live: Live) => void;
}

export interface Planned extends Current {
  plan: Plan;
}

/**
 * The planning shell (DESIGN §1, §4): reads the live state through the provider, the link counts
 * too when a step will drop project links, and calls the pure plan() once with every outside input
 * in its context (target, options, the record's section, `now`); plan() fingerprints what it reads
 * of the live state itself. The only I/O is the provider's; every command that plans goes through here.
 */
export async function getPlan(input: GetPlanInput): Promise<Planned> {
  const { desired, provider, target } = input;
  const read = await readLive(provider, input.progress);
  input.check?.(read.live);
  let { live } = read;
  let { reads } = read;
  // Link counts cost a call: read only for a plan that drops links (its blast radius).
  if (needsLinkCounts(desired, live)) {
    const callsBefore = provider.stats().calls;
    const started = performance.now();
    live = { ...live, links: await provider.readLinks() };
    reads = { ...reads, calls: reads.calls + provider.stats().calls - callsBefore, ms: reads.ms + performance.now() - started, links: true };
  }
  const current = fromRecord(live, target, input.record);
  const planned = plan(desired, live, {
    target: { org: { id: live.org.id, name: live.org.companyName }, endpointKind: target.kind, endpoint: target.endpoint },
    options: input.options,
    ...(current.section && { record: current.section }),
    ...(input.now !== undefined && { now: input.now }),
  });
  return { plan: planned, live, reads, ...current };
}

/** A manifest for another org than the credentials reach is refused before anything else is done with it. */
export function refuseOtherOrg(desired: Desired, live: Live): void {
  if (live.org.id === desired.org) return;
  throw new UserError(`${escapeControls(desired.file)} governs org ${desired.org}, but zpi reaches ${escapeControls(live.org.companyName)} (org ${live.org.id})`);
}

/**
 * True when plan() will emit a step that drops project links — a deactivation of an active
 * integration, or a change of the associated portal — and the read has not counted them. Decided
 * from the manifest and the live read, as planPortalSteps decides (a manifest plan() refuses needs
 * none). Unreadable settings (real Zoho) have no counts to read.
 */
export function needsLinkCounts(desired: Desired, live: Live): boolean {
  const integration = live.integration;
  if (!integration || live.links) return false;
  if (desired.state === 'deactivated') return integration.status === 'active';
  const associated = associatedPortal(integration);
  if (!associated || !desired.portal) return false;
  const wanted = resolvePortal(desired.portal, live.portals);
  return 'portal' in wanted && wanted.portal.id !== associated.id;
}

async function readLive(provider: ReadingProvider, progress: ReadProgress | undefined): Promise<{ live: Live; reads: Reads }> {
  const callsBefore = provider.stats().calls;
  const started = performance.now();
  let live: Live;
  try {
    live = await provider.read(progress && { onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress?.done();
  }
  const ms = performance.now() - started;
  const reads = {
    calls: provider.stats().calls - callsBefore,
    users: live.users.length,
    profiles: live.profiles.length,
    portals: live.portals.length,
    ms,
    links: false,
  };
  return { live, reads };
}

/** The record's section for what was read, and the settings as they stand (real Zoho: as recorded). */
function fromRecord(live: Live, target: RunTarget, record: RecordFile | undefined): Pick<Current, 'section' | 'settings'> {
  const section = recordSection(record, target.kind, live.org.id);
  return { section, settings: live.integration ?? reconcileRecord(live, section).integration };
}
