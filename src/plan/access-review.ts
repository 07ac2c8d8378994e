import type { Desired } from '../model/desired.js';
import type { LiveIntegration, LiveUser } from '../model/live.js';
import type { Permission } from '../model/permissions.js';
import { AccessIndex, compareText } from './effective-access.js';
import { liveState } from './integration-state.js';

/** One row of the access review (DESIGN §8): a CRM user with access to projects inside CRM. */
export interface AccessRow {
  email: string;
  /** The user's CRM profile ("" for a user CRM no longer lists). */
  profile: string;
  view: boolean;
  create: boolean;
  edit: boolean;
  delete: boolean;
  /** Where the permissions come from: the profile's, or the user's own override. */
  source: 'profile' | 'override';
  /** The manifest's `expires` for the user (YYYY-MM-DD), when it has one. */
  expires?: string;
}

/**
 * Who can do what on projects, and why: every user the integration gives access, sorted by email,
 * with their effective permissions (the one engine plan() uses, AccessIndex). `integration` is
 * the live settings, or on real Zoho the record's; `desired`, when given, adds each user's `expires`.
 * Pure.
 */
export function accessReview(integration: LiveIntegration, users: readonly LiveUser[], desired?: Desired): AccessRow[] {
  const state = liveState(integration);
  const index = AccessIndex.of(state);
  const byId = new Map(users.map((u) => [u.id, u]));
  const expires = new Map((desired?.users ?? []).flatMap((u) => (u.expires ? [[u.email, u.expires] as const] : [])));
  const rows: AccessRow[] = [];
  for (const id of state.users) {
    const user = byId.get(id);
    const email = user?.email ?? `(user id ${id})`;
    const access = index.access(id, user?.profile.name);
    const has = (p: Permission): boolean => access.permissions.includes(p);
    const row: AccessRow = {
      email,
      profile: user?.profile.name ?? '',
      view: has('view'),
      create: has('create'),
      edit: has('edit'),
      delete: has('delete'),
      source: access.reason.kind === 'override' ? 'override' : 'profile',
    };
    const until = expires.get(email);
    if (until) row.expires = until;
    rows.push(row);
  }
  return rows.sort((a, b) => compareText(a.email, b.email));
}
