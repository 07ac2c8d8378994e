import { ADMIN_PROFILE, type SandboxCredential, type SandboxPortal, type SandboxState, type SandboxUser } from './state-types.js';

export function userByEmail(state: SandboxState, email: string): SandboxUser | undefined {
  const e = email.toLowerCase();
  return state.users.find((u) => u.email.toLowerCase() === e);
}

export function userById(state: SandboxState, id: string): SandboxUser | undefined {
  return state.users.find((u) => u.id === id);
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
