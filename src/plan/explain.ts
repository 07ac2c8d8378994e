import type { Desired, SourcePos } from '../model/desired.js';
import type { Live, LiveIntegration } from '../model/live.js';
import type { Permission } from '../model/permissions.js';
import type { Plan, Step } from '../model/plan.js';
import { settingsOf, withSteps, type RecordedSettings } from '../model/record.js';
import { AccessIndex } from './effective-access.js';
import type { IntegrationState } from './integration-state.js';

/** One user's access at one moment, and what it comes from. */
export interface AccessAt {
  /** Ticked in Manage Users and Permissions. */
  access: boolean;
  permissions: Permission[];
  /** The user's own override, if any. */
  override: Permission[] | null;
  /** What the user's profile grants on projects (whether or not an override replaces it). */
  profilePermissions: Permission[];
}

/** Why a user's access is what it is, now and once the manifest is applied (`zpi explain`). */
export interface Explanation {
  email: string;
  /** The CRM user, if CRM knows the email. */
  user?: { name: string; profile: string; status: string; confirmed: boolean };
  now: AccessAt;
  after: AccessAt;
  manifest: {
    /** The user's entry, if the manifest lists the user. */
    listed?: SourcePos;
    /** The user's `expires`, where it is written, and whether the day is over. */
    expires?: { date: string; pos: SourcePos; over: boolean };
    /** The profile's entry, if the manifest manages the user's profile. */
    profile?: SourcePos;
    /** The `users:` key (what decides that an unlisted user has no access). */
    usersKey?: SourcePos;
  };
  /** The plan's steps that change this user's access: theirs, their profile's, a portal step. */
  steps: Step[];
}

function stateOf(settings: RecordedSettings): IntegrationState {
  const userPermissions: Record<string, Permission[]> = {};
  for (const u of settings.users) if (u.permissions) userPermissions[u.id] = u.permissions;
  return {
    users: new Set(settings.status === 'active' ? settings.users.map((u) => u.id) : []),
    profilePermissions: settings.profiles,
    userPermissions,
  };
}

function accessAt(settings: RecordedSettings, id: string, profile: string | undefined): AccessAt {
  const state = stateOf(settings);
  const access = AccessIndex.of(state).access(id, profile);
  const override = settings.users.find((u) => u.id === id)?.permissions ?? null;
  const profilePermissions = profile !== undefined && Object.hasOwn(settings.profiles, profile) ? (settings.profiles[profile] as Permission[]) : [];
  return { access: state.users.has(id), permissions: access.permissions, override: state.users.has(id) ? override : null, profilePermissions };
}

/**
 * What `email` can do on projects now (the live settings, or the record's on real Zoho) and after
 * `plan` (made from `desired` against the same `live`), and why. `integration` is the settings the
 * plan started from. Pure; undefined when the email is neither a CRM user nor in the manifest nor
 * in the settings.
 */
export function explainUser(email: string, desired: Desired, live: Live, integration: LiveIntegration | null, plan: Plan, now?: string): Explanation | undefined {
  const wanted = email.toLowerCase();
  const user = live.users.find((u) => u.email === wanted);
  const entry = desired.users.find((u) => u.email === wanted);
  const before = integration ? settingsOf(integration, live.users) : { status: 'inactive' as const, portal: null, users: [], profiles: {} };
  const id = user?.id ?? before.users.find((u) => u.email === wanted)?.id;
  if (!id && !entry) return undefined;
  const after = withSteps(before, plan.steps);
  const profile = user?.profile.name;
  const today = now?.slice(0, 10);
  const steps = plan.steps.filter(
    (s) =>
      ((s.kind === 'grant-user' || s.kind === 'revoke-user' || s.kind === 'set-user-permissions') && s.user.email === wanted) ||
      (s.kind === 'set-profile-permissions' && s.profile.name === profile) ||
      s.kind === 'associate-portal' ||
      s.kind === 'change-portal' ||
      s.kind === 'deactivate',
  );
  const managed = profile !== undefined && Object.hasOwn(desired.profiles, profile) ? desired.profiles[profile] : undefined;
  return {
    email: wanted,
    ...(user && { user: { name: user.fullName, profile: user.profile.name, status: user.status, confirmed: user.confirmed } }),
    now: id ? accessAt(before, id, profile) : { access: false, permissions: [], override: null, profilePermissions: [] },
    after: id ? accessAt(after, id, profile) : { access: false, permissions: [], override: null, profilePermissions: [] },
    manifest: {
      ...(entry && { listed: entry.pos }),
      ...(entry?.expires && { expires: { date: entry.expires, pos: entry.expiresPos ?? entry.pos, over: today !== undefined && entry.expires < today } }),
      ...(managed && { profile: managed.pos }),
      ...(desired.usersPos && { usersKey: desired.usersPos }),
    },
    steps,
  };
}
