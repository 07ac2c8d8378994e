import type { Permission } from '../model/permissions.js';

/*
 * The sandbox's state and seed file format (DESIGN §7). Field names follow Zoho's wire names so a
 * seed reads like the API's answers; users name their profile and role by name for hand-editing.
 */

export interface SandboxOrg {
  id: string;
  company_name: string;
  primary_email: string;
  type: string;
}

/** A dummy OAuth client; a token granted with it acts as the CRM user with email `user`. */
export interface SandboxCredential {
  client_id: string;
  client_secret: string;
  refresh_token: string;
  user: string;
}

export interface SandboxProfile {
  id: string;
  name: string;
}

export interface SandboxUser {
  id: string;
  email: string;
  full_name: string;
  /** "active", "disabled" or "deleted" (anything but active is not active). */
  status: string;
  confirm: boolean;
  /** Profile name (exact). */
  profile: string;
  /** Role name. */
  role: string;
}

export interface SandboxPortal {
  id: string;
  name: string;
  owner_email: string;
  /** Never served by any endpoint; only compared on associate. */
  zsc_key: string;
}

export interface SandboxIntegration {
  status: 'active' | 'inactive';
  portal_id: string | null;
  /** Id of the user who associated the portal; optional (not in DESIGN §7's example). */
  associated_by?: string | null;
  /** Ids of users with access. */
  users: string[];
  /** By profile name. */
  profile_permissions: Record<string, Permission[]>;
  /** Per-user overrides by user id. */
  user_permissions: Record<string, Permission[]>;
}

export interface SandboxLinks {
  Accounts: number;
  Contacts: number;
  Deals: number;
}

export interface SandboxState {
  org: SandboxOrg;
  /** Absent or empty: `sandbox`/`sandbox`/`sandbox` acts as the org's first administrator. */
  credentials?: SandboxCredential[];
  profiles: SandboxProfile[];
  users: SandboxUser[];
  portals: SandboxPortal[];
  integration: SandboxIntegration;
  links: SandboxLinks;
}

export const ADMIN_PROFILE = 'Administrator';
