import type { Desired, SourcePos } from '../model/desired.js';
import { formatProblem } from '../model/errors.js';

/** Grants ending within this many days are noted in the plan. */
export const EXPIRY_NOTICE_DAYS = 14;

export interface Expiry {
  /** The manifest without the users whose `expires` day is over: they count as not listed. */
  desired: Desired;
  /** Expired users by lower-cased email: their `expires` day and where it is written. */
  expired: ReadonlyMap<string, { expires: string; pos: SourcePos }>;
  /** "file:line:col: carol@acme.com's access ends after 2026-12-05 (in 5 days)" for each grant ending soon. */
  notices: string[];
}

const DAY_MS = 86_400_000;

/**
 * Applies `expires` (DESIGN §2) at `now` (an ISO 8601 time; DESIGN §4 makes it an input of the pure
 * planner): a user whose day is over, in UTC, is dropped from the manifest, so the plan revokes them
 * (or does not grant them). Without `now` nothing expires. Pure.
 */
export function applyExpiry(desired: Desired, now: string | undefined): Expiry {
  if (!now || desired.users.every((u) => u.expires === undefined)) return { desired, expired: new Map(), notices: [] };
  const today = now.slice(0, 10);
  const expired = new Map<string, { expires: string; pos: SourcePos }>();
  const notices: string[] = [];
  const users = desired.users.filter((u) => {
    if (u.expires === undefined) return true;
    const pos = u.expiresPos ?? u.pos;
    if (u.expires < today) {
      expired.set(u.email, { expires: u.expires, pos });
      return false;
    }
    const days = Math.round((Date.parse(`${u.expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
    if (days <= EXPIRY_NOTICE_DAYS) {
      const when = days === 0 ? 'today is its last day' : `in ${days} day${days === 1 ? '' : 's'}`;
      notices.push(formatProblem({ file: desired.file, line: pos.line, col: pos.col, message: `${u.email}'s access ends after ${u.expires} (${when})` }));
    }
    return true;
  });
  return { desired: expired.size === 0 ? desired : { ...desired, users }, expired, notices };
}
