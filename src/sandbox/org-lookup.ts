import { ADMIN_PROFILE, type SandboxCredential, type SandboxPortal, type SandboxProfile, type SandboxState, type SandboxUser } from './state-types.js';

interface UserIndex {
  /** The array's length when indexed: a guard against an array grown or cut in place. */
  length: number;
  byId: Map<string, SandboxUser>;
  /** By lower-cased email; the first user wins, as a linear search would. */
  byEmail: Map<string, SandboxUser>;
}

// Keyed by the users array itself: the store replaces arrays rather than editing them (StateStore
// freezes them), so an index stays valid for as long as its array is the state's. A big org has
// 100,000 users and every request looks one up: a linear search per request is quadratic.
const userIndexes = new WeakMap<readonly SandboxUser[], UserIndex>();
const profileIndexes = new WeakMap<readonly SandboxProfile[], { length: number; byName: Map<string, SandboxProfile> }>();

function usersOf(state: SandboxState): UserIndex {
  const users = state.users;
  let ix = userIndexes.get(users);
  if (!ix || ix.length !== users.length) {
    ix = { length: users.length, byId: new Map(), byEmail: new Map() };
    for (const u of users) {
      if (!ix.byId.has(u.id)) ix.byId.set(u.id, u);
      const e = u.email.toLowerCase();
      if (!ix.byEmail.has(e)) ix.byEmail.set(e, u);
    }
    userIndexes.set(users, ix);
  }
  return ix;
}

export function userByEmail(state: SandboxState, email: string): SandboxUser | undefined {
  return usersOf(state).byEmail.get(email.toLowerCase());
}

export function userById(state: SandboxState, id: string): SandboxUser | undefined {
  return usersOf(state).byId.get(id);
}

/** The profile with this exact name (the first, as a linear search would find). */
export function profileByName(state: SandboxState, name: string): SandboxProfile | undefined {
  const profiles = state.profiles;
  let ix = profileIndexes.get(profiles);
  if (!ix || ix.length !== profiles.length) {
    ix = { length: profiles.length, byName: new Map() };
    for (const p of profiles) if (!ix.byName.has(p.name)) ix.byName.set(p.name, p);
    profileIndexes.set(profiles, ix);
  }
  return ix.byName.get(name);
}

export const isAdmin = (u: SandboxUser): boolean => u.profile === ADMIN_PROFILE;
export const isActiveConfirmed = (u: SandboxUser): boolean => u.status === 'active' && u.confirm;

export function associatedPortal(state: SandboxState): SandboxPortal | undefined {
  const id = state.integration.portal_id;
  return id === null ? undefined : state.portals.find((p) => p.id === id);
}

/** DESIGN §7: with no credentials in the state, sandbox/sandbox/sandbox acts as the first administrator. */
export function effectiveCredentials(state: SandboxState): SandboxCredential[] {
  if (state.credentials && state.credentials.length > 0) return state.credentials;
  const admin = state.users.find((u) => isAdmin(u) && isActiveConfirmed(u)) ?? state.users.find(isAdmin);
  return admin ? [{ client_id: 'sandbox', client_secret: 'sandbox', refresh_token: 'sandbox', user: admin.email }] : [];
}

/** "carol@acme.com (id 4876876000000200007)" — how write errors name a user. */
export const describeUser = (u: SandboxUser): string => `${u.email} (id ${u.id})`;
