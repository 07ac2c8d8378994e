import type { Permission } from './permissions.js';

/** A position in the manifest file, 1-based. */
export interface SourcePos {
  line: number;
  col: number;
}

export interface DesiredUser {
  /** Lower-cased email (emails compare case-insensitively). */
  email: string;
  /** Per-user override, canonical order; undefined = the profile's permissions apply. */
  permissions?: Permission[];
  /**
   * Last day of access, `YYYY-MM-DD` (a real calendar date, checked by the loader): after this day
   * (UTC) the user counts as not listed. Undefined = no end.
   */
  expires?: string;
  /** Where `expires` is written; set exactly when `expires` is. */
  expiresPos?: SourcePos;
  pos: SourcePos;
}

export interface DesiredPortal {
  id?: string;
  name?: string;
  /** Name of the environment variable holding the ZSC key (from `${NAME}`); never the value. */
  zscKeyVar?: string;
  zscEmail?: string;
  /** Where zscEmail is written (the portal's key when absent). */
  zscEmailPos?: SourcePos;
  pos: SourcePos;
}

/**
 * The validated manifest: what the org should look like. Produced by the manifest loader,
 * consumed by plan(). Holds no secret values, only variable names.
 */
export interface Desired {
  /** Path of the manifest as the user gave it. */
  file: string;
  /** sha256 (hex) of the manifest's bytes. */
  hash: string;
  org: string;
  orgPos: SourcePos;
  dc?: string;
  state: 'active' | 'deactivated';
  statePos: SourcePos;
  portal?: DesiredPortal;
  /** Managed profiles by exact name, permissions in canonical order. */
  profiles: Record<string, { permissions: Permission[]; pos: SourcePos }>;
  users: DesiredUser[];
  /** Where the `users:` key is (a revoke's source: the user is not listed under it). */
  usersPos?: SourcePos;
  /** Non-fatal findings, already formatted `file:line:col: message`. */
  warnings: string[];
}
