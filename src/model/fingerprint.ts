import { createHash } from 'node:crypto';
import type { Live } from './live.js';

/** JSON with object keys sorted at every level, so equal values serialise identically. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

const byId = <T extends { id: string }>(xs: T[]): T[] =>
  [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * The parts of the live state plan() depends on, in a canonical order (read order must not matter).
 * Link counts are left out: they change as people work and only inform the blast radius.
 */
function liveSections(live: Live): Record<string, unknown> {
  return {
    org: live.org,
    'current user': live.currentUser,
    users: byId(live.users),
    profiles: byId(live.profiles),
    portals: byId(live.portals),
    integration: live.integration && { ...live.integration, users: [...live.integration.users].sort() },
  };
}

/** Stable hash of the live state a plan was computed from. */
export function fingerprint(live: Live): string {
  return `sha256:${sha256(stableStringify(liveSections(live)))}`;
}

/** Short fingerprints of each part of the live state, so a stale plan can say what changed. */
export function fingerprintSections(live: Live): Record<string, string> {
  return Object.fromEntries(
    Object.entries(liveSections(live)).map(([k, v]) => [k, sha256(stableStringify(v ?? null)).slice(0, 16)]),
  );
}
