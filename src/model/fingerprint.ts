import { createHash, type Hash } from 'node:crypto';
import type { Live, LiveIntegration, LivePortal, LiveUser } from './live.js';
import { permissionMask, type Permission } from './permissions.js';

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

/*
 * The live fingerprint: a hash of what plan() reads of the live state (on any path, a refusal's
 * message included), as a canonical tuple, so a saved plan is stale when something plan() would see
 * has changed, and not when only something else has. One section per part of the live state, one
 * line per item, tab-separated fields:
 *
 *   org           id, companyName                   the manifest's org is checked against the id; a
 *                                                    refusal names the company
 *   current user  email, profile, isAdmin           only an administrator may plan; a refusal names
 *                                                    the user's email and profile
 *   users         id, email, status, confirmed,     matched to the manifest by email; only active,
 *                 profile name                      confirmed users can be granted; steps name users
 *                                                    by id and email; access comes from the profile
 *   profiles      id, name                          the manifest's profiles must exist; a profile
 *                                                    step carries the profile's id
 *   portals       id, name, ownerEmail (or none)    the manifest's portal is found by id or name;
 *                                                    zscEmail must be its owner's email
 *   integration   none, or status and portal (or    what the plan starts from
 *                 none), then each user with access
 *                 (u), each profile's permissions
 *                 (p) and each user's override (o)
 *
 * Not hashed, because plan() never reads them: the org's primaryEmail and type, the current user's
 * id, a user's fullName, role and profile id, and the order of a permission list (permissions are
 * read as a set, so each list is hashed as its permissionMask). Link counts are read (the blast radius
 * of a step that drops links) but deliberately left out: they change as people work and only inform
 * the reader. The integration's users and permissions are hashed whatever its status, though plan()
 * reads them only while a portal is associated: a plan is rather called stale once too often than
 * once too few.
 *
 * Lists are sorted by id (the integration's users and permission maps by id or name), so the order
 * Zoho returned them in does not matter; users with the same id keep their order, since plan() keeps
 * the last of them. Every string goes in JSON-escaped (without quotes): an escaped field holds no raw
 * tab or newline and no lone surrogate (which UTF-8 would turn into U+FFFD), and JSON escaping decodes
 * in one way only, so two different tuples never give the same text. Each section is hashed on its
 * own, in chunks; the whole fingerprint is the hash of the section names and their full hashes.
 */

/** The sections, in the order the whole fingerprint takes them and a plan lists them. */
const SECTIONS = ['org', 'current user', 'users', 'profiles', 'portals', 'integration'] as const;
type Section = (typeof SECTIONS)[number];

// Everything JSON.stringify escapes in a string, and any surrogate (to let it judge pairs itself).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `s` as the inside of a JSON string literal: no tab, newline or lone surrogate left raw. */
function esc(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s).slice(1, -1) : s;
}

/** An optional string: `-` when absent, else `+` and the escaped string. */
function opt(s: string | undefined): string {
  return s === undefined ? '-' : `+${esc(s)}`;
}

const flag = (b: boolean): string => (b ? '1' : '0');

/** A permission list as plan() reads it: the set, as a mask (one hex digit). */
const perms = (list: readonly Permission[]): string => permissionMask(list).toString(16);

/** Code-unit order: the same on every machine. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byId = <T extends { id: string }>(a: T, b: T): number => byText(a.id, b.id);

/** A stable sorted copy, or `xs` itself when it is in order already (then nothing is copied or sorted). */
function sortedBy<T>(xs: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < xs.length; i++) if (compare(xs[i - 1] as T, xs[i] as T) > 0) return [...xs].sort(compare);
  return xs;
}

const userLine = (u: LiveUser): string =>
  `${esc(u.id)}\t${esc(u.email)}\t${esc(u.status)}\t${flag(u.confirmed)}\t${esc(u.profile.name)}\n`;

const portalLine = (p: LivePortal): string => `${esc(p.id)}\t${esc(p.name)}\t${opt(p.ownerEmail)}\n`;

/** Feeds one section's text to its hash in chunks of about 64 KB, rather than as one string of megabytes. */
class SectionHash {
  readonly #hash: Hash = createHash('sha256');
  #buf = '';
  write(text: string): void {
    this.#buf += text;
    if (this.#buf.length > 65_536) this.#flush();
  }
  #flush(): void {
    this.#hash.update(this.#buf);
    this.#buf = '';
  }
  /** The section's sha256, hex. */
  digest(): string {
    this.#flush();
    return this.#hash.digest('hex');
  }
}

/** Writes a record's entries, sorted by key: `tag key value` per line. */
function writeEntries(out: SectionHash, tag: string, record: Readonly<Record<string, readonly Permission[]>>): void {
  for (const key of Object.keys(record).sort()) out.write(`${tag}\t${esc(key)}\t${perms(record[key] as Permission[])}\n`);
}

/** The integration section: `-`, or its status and portal, then users (u), profiles (p), overrides (o). */
function writeIntegration(out: SectionHash, integration: LiveIntegration | null): void {
  if (integration === null) {
    out.write('-\n');
    return;
  }
  const { portal } = integration;
  out.write(`+${esc(integration.status)}\t${portal === null ? '-' : `+${esc(portal.id)}\t${esc(portal.name)}`}\n`);
  for (const id of sortedBy(integration.users, byText)) out.write(`u\t${esc(id)}\n`);
  writeEntries(out, 'p', integration.profilePermissions);
  writeEntries(out, 'o', integration.userPermissions);
}

/** Writes one section of the tuple. */
function writeSection(out: SectionHash, section: Section, live: Live): void {
  switch (section) {
    case 'org':
      out.write(`${esc(live.org.id)}\t${esc(live.org.companyName)}\n`);
      break;
    case 'current user':
      out.write(`${esc(live.currentUser.email)}\t${esc(live.currentUser.profile)}\t${flag(live.currentUser.isAdmin)}\n`);
      break;
    case 'users':
      for (const u of sortedBy(live.users, byId)) out.write(userLine(u));
      break;
    case 'profiles':
      for (const p of sortedBy(live.profiles, byId)) out.write(`${esc(p.id)}\t${esc(p.name)}\n`);
      break;
    case 'portals':
      for (const p of sortedBy(live.portals, byId)) out.write(portalLine(p));
      break;
    case 'integration':
      writeIntegration(out, live.integration);
      break;
  }
}

/**
 * The live state's fingerprints as a plan records them, from one pass: the whole (`sha256:…`) and
 * each section's (16 hex digits), named as above.
 */
export function liveFingerprints(live: Live): { liveFingerprint: string; liveSections: Record<string, string> } {
  const whole = createHash('sha256');
  const liveSections: Record<string, string> = {};
  for (const name of SECTIONS) {
    const out = new SectionHash();
    writeSection(out, name, live);
    const digest = out.digest();
    whole.update(`${name}\t${digest}\n`);
    liveSections[name] = digest.slice(0, 16);
  }
  return { liveFingerprint: `sha256:${whole.digest('hex')}`, liveSections };
}

/** A stable hash of what plan() reads of the live state (see above): a plan's `liveFingerprint`. */
export function fingerprint(live: Live): string {
  return liveFingerprints(live).liveFingerprint;
}
