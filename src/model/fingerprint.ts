import { createHash, type Hash } from 'node:crypto';
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

/*
 * Hashing 100,000 users is most of the cost of a plan, so the hashed text is produced without the
 * generic replacer where that is safe: users of the usual shape have a fixed template, lists of
 * strings go to JSON.stringify as they are, and the text goes to the hash in chunks instead of as
 * one 25 MB string. The bytes hashed are exactly stableStringify's; anything unusual (extra keys,
 * other types, a prototype) takes the generic path.
 */

/** Feeds text to one or more hashes in chunks of about 64 KB. */
class HashSink {
  #buf = '';
  constructor(readonly hashes: Hash[]) {}
  write(text: string): void {
    this.#buf += text;
    if (this.#buf.length > 65_536) this.flush();
  }
  flush(): void {
    if (this.#buf === '') return;
    for (const h of this.hashes) h.update(this.#buf);
    this.#buf = '';
  }
}

// Everything JSON.stringify escapes in a string (any surrogate, to let it judge pairs itself).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

type Obj = Record<string, unknown>;
const isPlain = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** `{id, name}` with string values and nothing else, as stableStringify writes it; else undefined. */
function refText(r: unknown): string | undefined {
  if (!isPlain(r)) return undefined;
  let n = 0;
  for (const k in r) {
    if ((k !== 'id' && k !== 'name') || typeof r[k] !== 'string') return undefined;
    n++;
  }
  return n === 2 ? `{"id":${quote(r.id as string)},"name":${quote(r.name as string)}}` : undefined;
}

/** A LiveUser of the usual shape as stableStringify writes it; undefined for anything else. */
function userText(u: unknown): string | undefined {
  if (!isPlain(u)) return undefined;
  let n = 0;
  let role = false;
  for (const k in u) {
    const v = u[k];
    switch (k) {
      case 'id':
      case 'email':
      case 'fullName':
      case 'status':
        if (typeof v !== 'string') return undefined;
        break;
      case 'confirmed':
        if (typeof v !== 'boolean') return undefined;
        break;
      case 'role':
        role = true;
        break;
      case 'profile':
        break;
      default:
        return undefined;
    }
    n++;
  }
  if (n !== (role ? 7 : 6)) return undefined;
  const profile = refText(u.profile);
  const roleText = role ? refText(u.role) : '';
  if (profile === undefined || roleText === undefined) return undefined;
  return (
    `{"confirmed":${u.confirmed ? 'true' : 'false'},"email":${quote(u.email as string)},"fullName":${quote(u.fullName as string)},` +
    `"id":${quote(u.id as string)},"profile":${profile}${role ? `,"role":${roleText}` : ''},"status":${quote(u.status as string)}}`
  );
}

/** Writes stableStringify(value) (undefined: nothing, and returns false). */
function writeStable(value: unknown, out: HashSink, fastUsers: boolean): boolean {
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x === 'string')) {
      out.write(JSON.stringify(value));
      return true;
    }
    if (fastUsers) {
      out.write('[');
      value.forEach((item, i) => {
        if (i > 0) out.write(',');
        out.write(userText(item) ?? stableStringify(item) ?? 'null');
      });
      out.write(']');
      return true;
    }
  }
  const text = stableStringify(value) as string | undefined;
  if (text === undefined) return false;
  out.write(text);
  return true;
}

/** The whole fingerprint and, if asked, each section's, from one pass over the live state. */
function fingerprintAll(live: Live, withSections: boolean): { whole: string; sections: Record<string, string> } {
  const sections = liveSections(live);
  // An inherited toJSON would change what JSON.stringify writes for every object: no shortcuts then.
  const fast = !('toJSON' in Object.prototype);
  const whole = createHash('sha256');
  const own: Record<string, Hash> = {};
  whole.update('{');
  let first = true;
  for (const key of Object.keys(sections).sort()) {
    const value = sections[key];
    const section = withSections ? (own[key] = createHash('sha256')) : undefined;
    // stableStringify leaves out a key whose value is undefined; a section alone is hashed as null.
    if (value === undefined) {
      section?.update('null');
      continue;
    }
    whole.update(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    const out = new HashSink(section ? [whole, section] : [whole]);
    writeStable(value, out, fast && key === 'users');
    out.flush();
  }
  whole.update('}');
  // In the order liveSections lists them.
  const perSection = withSections ? Object.fromEntries(Object.keys(sections).map((k) => [k, own[k]!.digest('hex').slice(0, 16)])) : {};
  return { whole: `sha256:${whole.digest('hex')}`, sections: perSection };
}

/** Stable hash of the live state a plan was computed from. */
export function fingerprint(live: Live): string {
  return fingerprintAll(live, false).whole;
}

/** Short fingerprints of each part of the live state, so a stale plan can say what changed. */
export function fingerprintSections(live: Live): Record<string, string> {
  return fingerprintAll(live, true).sections;
}

/** fingerprint() and fingerprintSections() at the cost of one. */
export function fingerprintWithSections(live: Live): { fingerprint: string; sections: Record<string, string> } {
  const { whole, sections } = fingerprintAll(live, true);
  return { fingerprint: whole, sections };
}
