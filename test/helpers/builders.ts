/**
 * Terse in-memory builders for Live, Desired and plan() context, shared by unit tests of the plan
 * engine, the renderers and the executor. Defaults describe one org, "Acme Corp":
 * - admin@acme.com (Administrator) is the current user and always a CRM user;
 * - profiles Administrator, Standard, Manager, Sales Rep;
 * - portals acme-projects (7001, owner owner@acme.com) and acme-newco (7002, owner newco@acme.com);
 * - the integration is active on acme-projects with nobody granted.
 * User ids derive from the email's local part ("carol@acme.com" → "u-carol"), so they do not
 * depend on the order users are listed in.
 */
import type { Desired, DesiredPortal, SourcePos } from '../../src/model/desired.js';
import type { LinkCounts, Live, LiveIntegration, LivePortal, LiveUser } from '../../src/model/live.js';
import type { Permission } from '../../src/model/permissions.js';
import type { PlanOptions, PlanTarget } from '../../src/model/plan.js';

export const ORG_ID = '60012345678';
export const ADMIN = 'admin@acme.com';
export const PROFILES = ['Administrator', 'Standard', 'Manager', 'Sales Rep'];
export const PORTALS: LivePortal[] = [
  { id: '7001', name: 'acme-projects', ownerEmail: 'owner@acme.com' },
  { id: '7002', name: 'acme-newco', ownerEmail: 'newco@acme.com' },
];
export const ALL: Permission[] = ['view', 'create', 'edit', 'delete'];

export function userId(email: string): string {
  return `u-${email.toLowerCase().split('@')[0]}`;
}

export interface UserSpec {
  email: string;
  id?: string;
  fullName?: string;
  /** Zoho's status: "active" (default), "disabled", "deleted"… */
  status?: string;
  confirmed?: boolean;
  /** Profile name; default Standard (Administrator for admin@acme.com). */
  profile?: string;
}

export function liveUser(spec: string | UserSpec): LiveUser {
  const s = typeof spec === 'string' ? { email: spec } : spec;
  const email = s.email.toLowerCase();
  const profile = s.profile ?? (email === ADMIN ? 'Administrator' : 'Standard');
  return {
    id: s.id ?? userId(email),
    email,
    fullName: s.fullName ?? email.split('@')[0] ?? email,
    status: s.status ?? 'active',
    confirmed: s.confirmed ?? true,
    profile: { id: profileId(profile), name: profile },
  };
}

function profileId(name: string): string {
  const i = PROFILES.indexOf(name);
  return i >= 0 ? String(100 + i) : `p-${name}`;
}

export interface IntegrationSpec {
  status?: 'active' | 'inactive';
  /** Portal name (looked up in the org's portals); null = none. Default acme-projects when active. */
  portal?: string | null;
  /** Emails of users with access. */
  users?: string[];
  profilePermissions?: Record<string, Permission[]>;
  /** Per-user overrides by email. */
  userPermissions?: Record<string, Permission[]>;
}

export interface LiveSpec {
  org?: Partial<Live['org']>;
  /** Email of the signed-in user (default admin@acme.com), or the whole record. */
  currentUser?: string | Live['currentUser'];
  /** CRM users besides admin@acme.com (included unless listed here). */
  users?: (string | UserSpec)[];
  profiles?: string[];
  portals?: LivePortal[];
  /** null = unreadable (real Zoho); "inactive" = inactive with no portal. */
  integration?: IntegrationSpec | 'inactive' | null;
  links?: LinkCounts;
}

export function liveOrg(spec: LiveSpec = {}): Live {
  const listed = (spec.users ?? []).map(liveUser);
  const users = listed.some((u) => u.email === ADMIN) ? listed : [liveUser(ADMIN), ...listed];
  const portals = (spec.portals ?? PORTALS).map((p) => ({ ...p }));
  const me = spec.currentUser;
  const meUser = users.find((u) => u.email === (typeof me === 'string' ? me : ADMIN)) ?? liveUser(ADMIN);
  const currentUser =
    typeof me === 'object'
      ? me
      : { id: meUser.id, email: meUser.email, profile: meUser.profile.name, isAdmin: meUser.profile.name === 'Administrator' };
  const live: Live = {
    org: { id: ORG_ID, companyName: 'Acme Corp', primaryEmail: ADMIN, type: 'production', ...spec.org },
    currentUser,
    users,
    profiles: (spec.profiles ?? PROFILES).map((name) => ({ id: profileId(name), name })),
    portals,
    integration: integration(spec.integration === undefined ? {} : spec.integration, portals),
  };
  if (spec.links) live.links = spec.links;
  return live;
}

function integration(spec: IntegrationSpec | 'inactive' | null, portals: LivePortal[]): LiveIntegration | null {
  if (spec === null) return null;
  const s: IntegrationSpec = spec === 'inactive' ? { status: 'inactive', portal: null } : spec;
  const status = s.status ?? 'active';
  const name = s.portal === undefined ? (status === 'active' ? 'acme-projects' : null) : s.portal;
  const portal = name === null ? null : (portals.find((p) => p.name === name) ?? { id: `id-${name}`, name });
  return {
    status,
    portal: portal && { id: portal.id, name: portal.name },
    users: (s.users ?? []).map(userId),
    profilePermissions: { ...s.profilePermissions },
    userPermissions: Object.fromEntries(Object.entries(s.userPermissions ?? {}).map(([e, p]) => [userId(e), p])),
  };
}

export interface DesiredSpec {
  file?: string;
  hash?: string;
  org?: string;
  state?: 'active' | 'deactivated';
  /** Default: acme-projects with $ZPI_ZSC_KEY and owner@acme.com; null = no portal key. */
  portal?: Omit<DesiredPortal, 'pos'> | null;
  profiles?: Record<string, Permission[]>;
  /** Emails are kept as given (the loader lower-cases them) so tests can check plan() compares case-insensitively. */
  users?: (string | { email: string; permissions?: Permission[] })[];
  warnings?: string[];
}

/**
 * Source positions mimic a manifest laid out as in DESIGN §2: org on line 3, state on 4, portal
 * on 5, profiles from line 10, users after them (one line each, `- email:` at column 5).
 */
export const POS = { org: { line: 3, col: 6 }, state: { line: 4, col: 8 }, portal: { line: 5, col: 1 } } as const;

export function desired(spec: DesiredSpec = {}): Desired {
  const profileNames = Object.keys(spec.profiles ?? {});
  const at = (line: number, col: number): SourcePos => ({ line, col });
  const portal =
    spec.portal === null
      ? undefined
      : { ...(spec.portal ?? { name: 'acme-projects', zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: 'owner@acme.com' }), pos: { ...POS.portal } };
  const d: Desired = {
    file: spec.file ?? 'integration.yaml',
    hash: spec.hash ?? 'sha256:0123abcd',
    org: spec.org ?? ORG_ID,
    orgPos: { ...POS.org },
    state: spec.state ?? 'active',
    statePos: { ...POS.state },
    profiles: Object.fromEntries(
      profileNames.map((name, i) => [name, { permissions: spec.profiles?.[name] ?? [], pos: at(10 + i, 3) }]),
    ),
    // The `users:` key, on the line above the first user.
    usersPos: at(10 + profileNames.length, 1),
    users: (spec.users ?? []).map((u, i) => {
      const s = typeof u === 'string' ? { email: u } : u;
      return { email: s.email, ...(s.permissions && { permissions: s.permissions }), pos: at(11 + profileNames.length + i, 5) };
    }),
    warnings: spec.warnings ?? [],
  };
  if (portal) d.portal = portal;
  return d;
}

export function planCtx(opts: Partial<PlanOptions> & { endpointKind?: PlanTarget['endpointKind'] } = {}): {
  target: PlanTarget;
  options: PlanOptions;
} {
  const endpointKind = opts.endpointKind ?? 'sandbox';
  return {
    target: {
      org: { id: ORG_ID, name: 'Acme Corp' },
      endpointKind,
      endpoint: endpointKind === 'zoho' ? 'https://www.zohoapis.com' : 'http://127.0.0.1:41377',
    },
    options: { allowDestructive: opts.allowDestructive ?? false, maxRevokePct: opts.maxRevokePct ?? 25 },
  };
}
