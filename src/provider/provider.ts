import type { LinkCounts, Live } from '../model/live.js';
import type { Permission } from '../model/permissions.js';

/** Outcome of one item of a batched write (Zoho answers HTTP 200 with a code per item). */
export interface ItemResult {
  /** The user id or profile name the item was about (the portal id for associate). */
  id: string;
  ok: boolean;
  /** Zoho's code: SUCCESS or an error code such as INVALID_DATA. */
  code: string;
  message: string;
}

export interface ReadOptions {
  /** Called as user pages arrive (for a progress bar). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What zpi needs from Zoho. Every write is idempotent on the server: repeating a call that already
 * took effect succeeds and changes nothing, so a re-run after any failure converges.
 * Methods throw ZohoApiError for a failed call. Reads are retried by the client on retryable errors
 * (429, 5xx, reset, refused, timeout); writes are not (the executor retries whole steps and counts the
 * retries), so a write's ZohoApiError may be retryable. A retryable failure of a write does not say
 * whether it took effect (a reset or 500 may strike after the server applied it): idempotence makes
 * the retry safe. Batched writes return per-item results instead of throwing for per-item failures,
 * and throw RangeError (a bug in the caller) for more than 100 items.
 */
export interface Provider {
  /**
   * Reads the whole live state. No side effects. `integration` is null when Zoho has no endpoint for
   * the integration's settings (404/501): the integration steps are then manual.
   */
  read(options?: ReadOptions): Promise<Live>;
  /** Project links a portal change or deactivation would drop. No side effects. */
  readLinks(): Promise<LinkCounts>;
  /**
   * Associates the portal. Idempotent when that portal is already associated. Fails whole
   * (nothing changed) on INVALID_ZSC_KEY or PORTAL_ALREADY_ASSOCIATED.
   */
  associatePortal(input: { portalId: string; zscKey: string; email: string }): Promise<void>;
  /**
   * Swaps the associated portal for another in one call (Setup's *Change*): Zoho checks the key and
   * email against the new portal's owner first, so INVALID_ZSC_KEY changes nothing; on success the old
   * portal's project links, users and permissions are gone. Idempotent when that portal is associated.
   */
  changePortal(input: { portalId: string; zscKey: string; email: string }): Promise<void>;
  /** Drops the portal, every project link, users and permissions. Idempotent when none is associated. */
  disassociatePortal(): Promise<void>;
  /** Disassociates and sets the integration inactive. Idempotent. */
  deactivate(): Promise<void>;
  /** Sets up to 100 profiles a call; each item succeeds or fails on its own. */
  setProfilePermissions(items: { profileId: string; profile: string; permissions: Permission[] }[]): Promise<ItemResult[]>;
  /**
   * Grants up to 100 users a call; items already granted succeed unchanged. An item with
   * `permissions` sets the user's override in the same change, so the user never holds the profile's
   * permissions in between; a failed item changes nothing for that user.
   */
  grantUsers(items: { userId: string; permissions?: Permission[] }[]): Promise<ItemResult[]>;
  /** Revokes up to 100 users a call (also drops their overrides); items without access succeed unchanged. */
  revokeUsers(userIds: string[]): Promise<ItemResult[]>;
  /** Sets (permissions) or removes (null) up to 100 per-user overrides a call. */
  setUserPermissions(items: { userId: string; permissions: Permission[] | null }[]): Promise<ItemResult[]>;
}
