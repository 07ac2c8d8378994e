import type { LinkCounts } from './live.js';
import type { Permission } from './permissions.js';

export type StepKind =
  | 'deactivate'
  | 'associate-portal'
  | 'change-portal'
  | 'set-profile-permissions'
  | 'grant-user'
  | 'set-user-permissions'
  | 'revoke-user';

export type StepAction = 'create' | 'update' | 'delete' | 'replace';

interface StepBase {
  /** Stable id, unique in a plan, e.g. "grant-user:carol@acme.com". */
  id: string;
  kind: StepKind;
  action: StepAction;
  /** What the step changes, for people: a portal name, profile name or email. */
  target: string;
  destructive: boolean;
  /**
   * The manifest node that asks for the step (DESIGN §4): the portal, the profile, the user's entry,
   * for a revoke the `users:` key (or the `expires:` that ended the access), for a deactivation `state:`.
   */
  source?: StepSource;
}

/** A place in the manifest, 1-based. */
export interface StepSource {
  file: string;
  line: number;
  col: number;
}

export interface PortalRef {
  id: string;
  name: string;
}
export interface UserRef {
  id: string;
  email: string;
}

export interface DeactivateStep extends StepBase {
  kind: 'deactivate';
  before: { portal: PortalRef | null };
  after: null;
  /** Links dropped per module; undefined when they could not be counted. */
  blastRadius?: LinkCounts;
}
/** The portal to (re)associate, and the ZSC key's variable (its value is read only when the step runs). */
export interface PortalTarget {
  portal: PortalRef;
  zscEmail: string;
  /** Environment variable holding the ZSC key. */
  zscKeyVar: string;
}
export interface AssociatePortalStep extends StepBase {
  kind: 'associate-portal';
  before: { portal: null };
  after: PortalTarget;
}
/**
 * Setup's *Change*, one atomic call: the key and email are checked against the new portal's owner
 * before anything is dropped; then every project link, user and permission of the old portal goes.
 */
export interface ChangePortalStep extends StepBase {
  kind: 'change-portal';
  before: { portal: PortalRef };
  after: PortalTarget;
  blastRadius?: LinkCounts;
}
export interface SetProfilePermissionsStep extends StepBase {
  kind: 'set-profile-permissions';
  profile: { id: string; name: string };
  before: Permission[] | null;
  after: Permission[];
}
export interface GrantUserStep extends StepBase {
  kind: 'grant-user';
  user: UserRef;
  /** The per-user override set in the same change (null: the profile's permissions apply). */
  override: Permission[] | null;
  before: null;
  /** Effective permissions once granted. */
  after: Permission[];
  /** Why `after` is what it is (profile or per-user override), for people reading the plan. */
  reason?: AccessReason;
}
export interface SetUserPermissionsStep extends StepBase {
  kind: 'set-user-permissions';
  user: UserRef;
  /** Live override, null = none. */
  before: Permission[] | null;
  /** Desired override, null = remove the override (the profile's permissions apply). */
  after: Permission[] | null;
  /**
   * Effective permissions just before this step (the steps before it done) and after it, and why
   * they are what they are afterwards, for people reading the plan.
   */
  effective?: { before: Permission[]; after: Permission[]; reason: AccessReason };
}
export interface RevokeUserStep extends StepBase {
  kind: 'revoke-user';
  user: UserRef;
  /** Effective permissions the user had. */
  before: Permission[];
  after: null;
  /** The user is still listed, but their `expires` day (YYYY-MM-DD, UTC) is over. */
  expired?: string;
  /** Why the user had `before` (profile or per-user override), for people reading the plan. */
  reason?: AccessReason;
}

export type Step =
  | DeactivateStep
  | AssociatePortalStep
  | ChangePortalStep
  | SetProfilePermissionsStep
  | GrantUserStep
  | SetUserPermissionsStep
  | RevokeUserStep;

/** Why a user's effective access is what it is. */
export type AccessReason =
  | { kind: 'profile'; profile: string }
  | { kind: 'override' }
  | { kind: 'none' };

export interface AccessChange {
  email: string;
  before: Permission[];
  after: Permission[];
  /** gains: had none; escalated: gains some; reduced: loses some; loses: ends with none; changed: both. */
  change: 'gains' | 'escalated' | 'reduced' | 'loses' | 'changed';
  beforeReason: AccessReason;
  afterReason: AccessReason;
  /** The user loses access because their `expires` day (YYYY-MM-DD) is over. */
  expired?: string;
}

/**
 * A setting that differs from the record (DESIGN §5a): changed outside zpi where the settings can be
 * read, or (real Zoho) a recorded user, profile or portal that is gone or no longer active.
 */
export interface Drift {
  /** status: active/inactive; portal: its name; user: has access or not; override: per-user permissions; profile: its permissions. */
  subject: 'status' | 'portal' | 'user' | 'override' | 'profile';
  /** "integration", the portal's or profile's name, or the user's email. */
  target: string;
  /** As recorded and as found: a status, a portal name, "access", or permissions; null for none. */
  recorded: string | Permission[] | null;
  found: string | Permission[] | null;
  /** changed: outside zpi; gone, inactive, unconfirmed: what real Zoho shows of a recorded user, profile or portal. */
  cause: 'changed' | 'gone' | 'inactive' | 'unconfirmed';
  /** True when a step of the plan puts the manifest's setting back (exit 3 with --detailed-exitcode). */
  undone: boolean;
}

export interface PlanTarget {
  org: { id: string; name: string };
  /** sandbox: zpi's emulator; zoho: real Zoho; custom: any other --endpoint. */
  endpointKind: 'sandbox' | 'zoho' | 'custom';
  endpoint: string;
}

export interface PlanOptions {
  allowDestructive: boolean;
  /** Revoking more than this percentage of the users with access is destructive. */
  maxRevokePct: number;
}

export const PLAN_FORMAT_VERSION = 1;

/**
 * What plan() returns. What follows from the steps is computed, not stored: planSummary and
 * apiCallsOf (summarize-plan.ts); planDocument gives the printed form, which carries them.
 */
export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /**
   * The manifest as the plan's command named it, its hash, and (a plan saved with --out) its path
   * relative to the plan file's directory, so the plan can be applied from another directory.
   */
  manifest: { file: string; hash: string; fromPlan?: string };
  target: PlanTarget;
  /** Stable hash of the live state the plan was computed from (see fingerprint()). */
  liveFingerprint: string;
  /** Short fingerprints per part of the live state (org, users, integration…), to name what a stale plan missed. */
  liveSections?: Record<string, string>;
  options: PlanOptions;
  /** Ordered as DESIGN §4: after any prefix, nobody holds more than before ∪ after. */
  steps: Step[];
  /** Users whose effective access changes; escalations first. */
  access: AccessChange[];
  /** Set when the mass-revoke brake fired. */
  brake: { revoking: number; withAccess: number; pct: number; maxPct: number } | null;
  /**
   * True when the integration's settings are not readable through the API (real Zoho): Zoho has no
   * API for any step either, so every step is manual (apply prints Setup instructions and asks the admin).
   */
  manual: boolean;
  warnings: string[];
  /** The record the plan started from (DESIGN §5a): its last entry and a hash of its settings; absent without one. */
  record?: { hash: string; at: string | null; by: string | null };
  /** Settings that differ from the record, status and portal first; empty without a record. */
  drift?: Drift[];
}

/** Which summary count a step falls in (DESIGN §9): a replace (portal change) is one change. */
export function summaryBucket(step: Step): 'add' | 'change' | 'remove' {
  return step.action === 'create' ? 'add' : step.action === 'delete' ? 'remove' : 'change';
}
