import type { Permission } from './permissions.js';

export interface LiveUser {
  id: string;
  /** Lower-cased. */
  email: string;
  fullName: string;
  /** Zoho's status; anything but "active" is not active. */
  status: string;
  confirmed: boolean;
  profile: { id: string; name: string };
  role?: { id: string; name: string };
}

export interface LivePortal {
  id: string;
  name: string;
  /** zpi's sandbox serves it; real Zoho may not. Lower-cased. */
  ownerEmail?: string;
}

export interface LinkCounts {
  Accounts: number;
  Contacts: number;
  Deals: number;
}

export interface LiveIntegration {
  status: 'active' | 'inactive';
  portal: { id: string; name: string } | null;
  /** Ids of users with access. */
  users: string[];
  /** By profile name, canonical order. */
  profilePermissions: Record<string, Permission[]>;
  /** Per-user overrides by user id, canonical order. */
  userPermissions: Record<string, Permission[]>;
}

/** Everything zpi read from Zoho (or the sandbox). Holds no secrets. */
export interface Live {
  org: { id: string; companyName: string; primaryEmail: string; type: string };
  currentUser: { id: string; email: string; profile: string; isAdmin: boolean };
  users: LiveUser[];
  profiles: { id: string; name: string }[];
  portals: LivePortal[];
  /**
   * The integration's settings, or null when the endpoint for them does not exist (real Zoho
   * publishes no API for them): every integration step is then a manual Setup step.
   */
  integration: LiveIntegration | null;
  /** Project links a portal change would drop; read only when a destructive step needs them. */
  links?: LinkCounts;
}
