import type { Live, LiveIntegration } from '../model/live.js';
import { samePermissions, type Permission } from '../model/permissions.js';
import type { Drift, Step } from '../model/plan.js';
import { settingsOf, withSteps, type RecordedSettings, type RecordSection } from '../model/record.js';

export interface Reconciled {
  /**
   * The integration to plan from: the live one where it can be read; on real Zoho (unreadable) the
   * record's, less what real Zoho shows is gone; null when unreadable and nothing is recorded.
   */
  integration: LiveIntegration | null;
  /** What changed outside zpi since the record (undone: false until steps are known, see markUndone). */
  drift: Drift[];
}

/**
 * Puts the record (DESIGN §5a) beside what was read. Where the settings can be read, the record is
 * compared with them: every difference is drift (a change made outside zpi). Where they cannot (real
 * Zoho), the record is the current state, and what real Zoho does show is checked against it: a
 * recorded portal, profile or user that is gone, or a user no longer active and confirmed, is drift
 * and left out. Pure.
 */
export function reconcileRecord(live: Live, record: RecordSection | undefined): Reconciled {
  if (!record) return { integration: live.integration, drift: [] };
  if (live.integration) return { integration: live.integration, drift: readableDrift(record, settingsOf(live.integration, live.users)) };
  return fromRecord(live, record.settings);
}

/** Drift between the record and what was read; a pending call's effect (it may have landed) is not drift. */
function readableDrift(record: RecordSection, found: RecordedSettings): Drift[] {
  const drift = compareSettings(record.settings, found);
  if (!record.pending || record.pending.length === 0 || drift.length === 0) return drift;
  const alsoAfter = new Set(compareSettings(withSteps(record.settings, record.pending), found).map(driftKey));
  return drift.filter((d) => alsoAfter.has(driftKey(d)));
}

const driftKey = (d: Drift): string => `${d.subject}\u0000${d.target}`;

/** Every subject (status, portal, user, override, profile) whose recorded value differs from the found one. */
export function compareSettings(recorded: RecordedSettings, found: RecordedSettings): Drift[] {
  const out: Drift[] = [];
  const changed = (subject: Drift['subject'], target: string, was: Drift['recorded'], now: Drift['found']): void => {
    out.push({ subject, target, recorded: was, found: now, cause: 'changed', undone: false });
  };
  if (recorded.status !== found.status) {
    changed('status', 'integration', recorded.status, found.status);
    return out;
  }
  if (recorded.status !== 'active') return out;
  if (recorded.portal?.id !== found.portal?.id) {
    // A portal changed in Setup took every user and permission with it: that is the one change to tell.
    changed('portal', found.portal?.name ?? recorded.portal?.name ?? 'portal', recorded.portal?.name ?? null, found.portal?.name ?? null);
    return out;
  }
  const foundUsers = new Map(found.users.map((u) => [u.id, u]));
  const recordedIds = new Set(recorded.users.map((u) => u.id));
  for (const u of recorded.users) {
    const now = foundUsers.get(u.id);
    if (!now) changed('user', u.email, 'access', null);
    else if (!sameOverride(u.permissions, now.permissions)) changed('override', now.email, u.permissions ?? null, now.permissions ?? null);
  }
  for (const u of found.users) if (!recordedIds.has(u.id)) changed('user', u.email, null, 'access');
  const names = new Set([...Object.keys(recorded.profiles), ...Object.keys(found.profiles)]);
  for (const name of [...names].sort()) {
    const was = Object.hasOwn(recorded.profiles, name) ? (recorded.profiles[name] as Permission[]) : null;
    const now = Object.hasOwn(found.profiles, name) ? (found.profiles[name] as Permission[]) : null;
    if (!samePermissions(was ?? [], now ?? [])) changed('profile', name, was, now);
  }
  return out.sort(bySubjectThenTarget);
}

const ORDER: Record<Drift['subject'], number> = { status: 0, portal: 1, profile: 2, user: 3, override: 4 };
const bySubjectThenTarget = (a: Drift, b: Drift): number =>
  ORDER[a.subject] - ORDER[b.subject] || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0);

function sameOverride(a: Permission[] | undefined, b: Permission[] | undefined): boolean {
  if (!a || !b) return a === b;
  return samePermissions(a, b);
}

/** Real Zoho: the record is the state, checked against the users, profiles and portals real Zoho lists. */
function fromRecord(live: Live, settings: RecordedSettings): Reconciled {
  const drift: Drift[] = [];
  const gone = (subject: Drift['subject'], target: string, recorded: Drift['recorded'], cause: Drift['cause']): void => {
    drift.push({ subject, target, recorded, found: null, cause, undone: false });
  };
  const inactive: LiveIntegration = { status: 'inactive', portal: null, users: [], profilePermissions: {}, userPermissions: {} };
  if (settings.status !== 'active' || !settings.portal) return { integration: inactive, drift };
  const portal = live.portals.find((p) => p.id === settings.portal?.id);
  if (!portal) {
    gone('portal', settings.portal.name, settings.portal.name, 'gone');
    return { integration: inactive, drift };
  }
  const byId = new Map(live.users.map((u) => [u.id, u]));
  const byEmail = new Map(live.users.map((u) => [u.email, u]));
  const users: string[] = [];
  const userPermissions: Record<string, Permission[]> = {};
  for (const r of settings.users) {
    const u = byId.get(r.id) ?? byEmail.get(r.email);
    if (!u) gone('user', r.email, 'access', 'gone');
    else if (u.status !== 'active') gone('user', u.email, 'access', 'inactive');
    else if (!u.confirmed) gone('user', u.email, 'access', 'unconfirmed');
    else {
      users.push(u.id);
      if (r.permissions) userPermissions[u.id] = r.permissions;
    }
  }
  const profileNames = new Set(live.profiles.map((p) => p.name));
  const profilePermissions: Record<string, Permission[]> = {};
  for (const [name, perms] of Object.entries(settings.profiles)) {
    if (profileNames.has(name)) profilePermissions[name] = perms;
    else gone('profile', name, perms, 'gone');
  }
  return {
    integration: { status: 'active', portal: { id: portal.id, name: portal.name }, users, profilePermissions, userPermissions },
    drift: drift.sort(bySubjectThenTarget),
  };
}

/**
 * Marks the drift a plan's steps put back: a step on the same user or profile, or any portal step
 * (it resets everything). A deactivation puts back only a status or portal drift.
 */
export function markUndone(drift: readonly Drift[], steps: readonly Step[]): Drift[] {
  if (drift.length === 0) return [];
  const touched = new Set<string>();
  let portalStep = false;
  for (const s of steps) {
    if (s.kind === 'grant-user' || s.kind === 'revoke-user' || s.kind === 'set-user-permissions') {
      touched.add(`user\u0000${s.user.email}`);
      touched.add(`override\u0000${s.user.email}`);
    } else if (s.kind === 'set-profile-permissions') touched.add(`profile\u0000${s.profile.name}`);
    else portalStep = true;
  }
  return drift.map((d) => {
    const put = d.cause === 'changed' && ((portalStep && (d.subject === 'status' || d.subject === 'portal')) || touched.has(driftKey(d)));
    return put ? { ...d, undone: true } : d;
  });
}
