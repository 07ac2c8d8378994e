import { applySteps, type SettingsDraft } from './integration-after.js';
import type { LiveIntegration, LiveUser } from './live.js';
import { normalizePermissions, type Permission } from './permissions.js';
import type { PlanTarget, Step } from './plan.js';
import type { PrintedStep } from './plan-document.js';

/**
 * The record (DESIGN §5a): the integration settings zpi last applied or an administrator confirmed,
 * one section per org and target, with a short history. It holds no secret: names, emails, ids,
 * permissions, times and hashes only.
 */
export const RECORD_FORMAT_VERSION = 1;
export const RECORD_KIND = 'zpi-record';
/** History entries kept per section, newest last. */
export const RECORD_HISTORY = 50;

export interface RecordedUser {
  /** CRM user id (how the record finds the user again if their email changes). */
  id: string;
  /** Lower-cased. */
  email: string;
  /** Per-user override, canonical order; absent: the profile's permissions apply. */
  permissions?: Permission[];
}

export interface RecordedSettings {
  status: 'active' | 'inactive';
  portal: { id: string; name: string } | null;
  /** Users with access, sorted by email. */
  users: RecordedUser[];
  /** By profile name, sorted; a profile without an entry has no permissions recorded. */
  profiles: Record<string, Permission[]>;
}

export interface HistoryEntry {
  /** ISO 8601, UTC. */
  at: string;
  /** The CRM user the credentials act as. */
  by: string;
  /** apply (steps carried out or confirmed), import, or record (settings taken as they were read). */
  action: 'apply' | 'import';
  manifestHash: string;
  /** What was done: step ids (the first ones and a count when there are many). */
  did: string[];
}

export interface RecordSection {
  org: { id: string; name: string };
  target: { endpointKind: PlanTarget['endpointKind']; endpoint: string };
  settings: RecordedSettings;
  /**
   * Steps of a call that was being made when the record was last written: the call may or may not
   * have taken effect (a crash, kill -9). Plan does not call their effect drift. Written as a plan
   * file prints steps (with `manual`), so the plan schema's Step checks them.
   */
  pending?: PrintedStep[];
  history: HistoryEntry[];
}

export interface RecordFile {
  kind: typeof RECORD_KIND;
  formatVersion: typeof RECORD_FORMAT_VERSION;
  /** By sectionKey(). */
  sections: Record<string, RecordSection>;
}

/** "zoho:60012345678", "sandbox:60012345678": the sandbox and a real org never share a section. */
export function sectionKey(endpointKind: PlanTarget['endpointKind'], orgId: string): string {
  return `${endpointKind}:${orgId}`;
}

export function emptyRecord(): RecordFile {
  return { kind: RECORD_KIND, formatVersion: RECORD_FORMAT_VERSION, sections: {} };
}

export const NOTHING_CONFIGURED: RecordedSettings = Object.freeze({ status: 'inactive', portal: null, users: [], profiles: {} }) as RecordedSettings;

const byEmail = (a: RecordedUser, b: RecordedUser): number => (a.email < b.email ? -1 : a.email > b.email ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Sorted users and profiles, permissions in canonical order: equal settings serialise the same. */
export function canonicalSettings(s: RecordedSettings): RecordedSettings {
  const profiles: Record<string, Permission[]> = {};
  for (const name of Object.keys(s.profiles).sort()) profiles[name] = normalizePermissions(s.profiles[name] as Permission[]);
  return {
    status: s.status,
    portal: s.portal ? { id: s.portal.id, name: s.portal.name } : null,
    users: s.users
      .map((u) => (u.permissions ? { id: u.id, email: u.email, permissions: normalizePermissions(u.permissions) } : { id: u.id, email: u.email }))
      .sort(byEmail),
    profiles,
  };
}

/** The live integration as settings to record; users named by email from `users` (CRM's list). */
export function settingsOf(integration: LiveIntegration, users: readonly LiveUser[]): RecordedSettings {
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const active = integration.status === 'active' && integration.portal !== null;
  if (!active) return NOTHING_CONFIGURED;
  const overrides = integration.userPermissions;
  return recorded(integration, (id) => (Object.hasOwn(overrides, id) ? overrides[id] : undefined), emails);
}

/** Settings as the record holds them: users with access only, each with their override if any. */
function recorded(
  s: Pick<LiveIntegration, 'status' | 'portal' | 'profilePermissions'> & { users: Iterable<string> },
  overrideOf: (id: string) => Permission[] | undefined,
  emails: ReadonlyMap<string, string>,
): RecordedSettings {
  return canonicalSettings({
    status: s.status,
    portal: s.portal,
    users: Array.from(s.users, (id) => {
      const email = emails.get(id) ?? `(user ${id})`;
      const permissions = overrideOf(id);
      return permissions ? { id, email, permissions } : { id, email };
    }),
    profiles: { ...s.profilePermissions },
  });
}

/**
 * The settings once `steps` took effect, in order, each as Zoho applies it (applySteps: a new or
 * changed portal starts with no users and no permissions; deactivation clears everything). Users keep
 * the email recorded for them; a grant names its user by the step's. Pure; `settings` is not touched.
 */
export function withSteps(settings: RecordedSettings, steps: readonly Step[]): RecordedSettings {
  const emails = new Map<string, string>();
  const userPermissions = new Map<string, Permission[]>();
  for (const u of settings.users) {
    emails.set(u.id, u.email);
    if (u.permissions) userPermissions.set(u.id, u.permissions);
  }
  const draft: SettingsDraft = {
    status: settings.status,
    portal: settings.portal,
    users: new Set(emails.keys()),
    profilePermissions: new Map(Object.entries(settings.profiles)),
    userPermissions,
  };
  applySteps(draft, steps);
  for (const step of steps) if (step.kind === 'grant-user') emails.set(step.user.id, step.user.email);
  const profilePermissions = Object.fromEntries(draft.profilePermissions);
  return recorded({ ...draft, profilePermissions }, (id) => draft.userPermissions.get(id), emails);
}
