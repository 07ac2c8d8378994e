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

/**
 * Stable hash of the live state that plan() depends on. Link counts are left out: they change as
 * people work and only inform the blast radius. Users are sorted by id so read order does not matter.
 */
export function fingerprint(live: Live): string {
  const { links: _links, ...rest } = live;
  const canon = {
    ...rest,
    users: [...rest.users].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    profiles: [...rest.profiles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    portals: [...rest.portals].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    integration: rest.integration && { ...rest.integration, users: [...rest.integration.users].sort() },
  };
  return `sha256:${sha256(stableStringify(canon))}`;
}
