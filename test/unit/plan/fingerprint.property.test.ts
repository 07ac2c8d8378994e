/**
 * The live fingerprint tells states apart exactly as plan() does: two states get the same fingerprint
 * (and the same section fingerprint) when, and only when, what plan() reads of them is the same, for
 * names, ids and emails made of the characters an encoding could trip on (tabs, newlines, escapes,
 * quotes, NUL, lone surrogates, the encoding's own markers).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveFingerprints } from '../../../src/model/fingerprint.js';
import type { Live } from '../../../src/model/live.js';
import { normalizePermissions, PERMISSIONS, type Permission } from '../../../src/model/permissions.js';

const UNITS = ['a', 'b', '1', ' ', '\t', '\n', '\r', '\\', '\\t', '"', '-', '+', 'u', 'p', 'o', '\u0000', '\ud800', '\udc00', '\ufffd', '😀'];
const text = fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 4 });
const permList = fc.array(fc.constantFrom(...PERMISSIONS), { maxLength: 5 });

const user = fc.record({ id: text, email: text, status: text, confirmed: fc.boolean(), profile: text });
type UserSpec = typeof user extends fc.Arbitrary<infer T> ? T : never;
const portal = fc.record({ id: text, name: text, ownerEmail: fc.option(text, { nil: undefined }) });
type PortalSpec = typeof portal extends fc.Arbitrary<infer T> ? T : never;

const spec = fc.record({
  org: fc.record({ id: text, companyName: text }),
  me: fc.record({ email: text, profile: text, isAdmin: fc.boolean() }),
  users: fc.array(user, { maxLength: 3 }),
  profiles: fc.array(fc.record({ id: text, name: text }), { maxLength: 2 }),
  portals: fc.array(portal, { maxLength: 2 }),
  integration: fc.option(
    fc.record({
      status: fc.constantFrom<('active' | 'inactive')[]>('active', 'inactive'),
      portal: fc.option(fc.record({ id: text, name: text }), { nil: null }),
      users: fc.array(text, { maxLength: 3 }),
      profilePermissions: fc.dictionary(text, permList, { maxKeys: 2 }),
      userPermissions: fc.dictionary(text, permList, { maxKeys: 2 }),
    }),
    { nil: null },
  ),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

/** A Live from a spec, with the fields plan() never reads filled in. */
function toLive(s: Spec): Live {
  return {
    org: { ...s.org, primaryEmail: 'admin@acme.com', type: 'production' },
    currentUser: { id: 'u-admin', ...s.me },
    users: s.users.map((u) => ({ id: u.id, email: u.email, fullName: 'Someone', status: u.status, confirmed: u.confirmed, profile: { id: 'p', name: u.profile } })),
    profiles: s.profiles,
    portals: s.portals.map((p) => (p.ownerEmail === undefined ? { id: p.id, name: p.name } : { ...p })),
    integration: s.integration,
  };
}

const byId = <T extends { id: string }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const entries = (r: Record<string, Permission[]>) =>
  Object.keys(r)
    .sort()
    .map((k) => [k, normalizePermissions(r[k] as Permission[])]);

/**
 * What plan() reads of each section, as a plain value (JSON.stringify tells any two apart): the
 * oracle the fingerprint is checked against, not a second encoding of it.
 */
function readBy(l: Live): Record<string, string> {
  const i = l.integration;
  return {
    org: JSON.stringify([l.org.id, l.org.companyName]),
    'current user': JSON.stringify([l.currentUser.email, l.currentUser.profile, l.currentUser.isAdmin]),
    users: JSON.stringify(byId(l.users).map((u) => [u.id, u.email, u.status, u.confirmed, u.profile.name])),
    profiles: JSON.stringify(byId(l.profiles).map((p) => [p.id, p.name])),
    portals: JSON.stringify(byId(l.portals).map((p) => [p.id, p.name, p.ownerEmail ?? null])),
    integration: JSON.stringify(i && [i.status, i.portal && [i.portal.id, i.portal.name], [...i.users].sort(), entries(i.profilePermissions), entries(i.userPermissions)]),
  };
}

/** Fingerprints agree exactly where what plan() reads agrees, section by section and as a whole. */
function agreesWithReads(a: Live, b: Live): void {
  const fa = liveFingerprints(a);
  const fb = liveFingerprints(b);
  const ra = readBy(a);
  const rb = readBy(b);
  for (const k of Object.keys(ra)) expect([k, fa.liveSections[k] === fb.liveSections[k]]).toEqual([k, ra[k] === rb[k]]);
  expect(fa.liveFingerprint === fb.liveFingerprint).toBe(JSON.stringify(ra) === JSON.stringify(rb));
}

/**
 * `n` fields from `n + 1` parts, joining parts `at` and `at + 1` with `sep`: two joins at different
 * places are different tuples that read the same once their fields are joined by `sep`.
 */
const joinAt = (parts: string[], at: number, sep: string): string[] => [...parts.slice(0, at), `${parts[at]}${sep}${parts[at + 1]}`, ...parts.slice(at + 2)];
const SEPS = ['\t', '\n', '\\t', '\\n', '\\', '"', '","', '\u0000', '\t+', '\t-'];
const shifted = (n: number) =>
  fc
    .record({ parts: fc.array(text, { minLength: n + 1, maxLength: n + 1 }), sep: fc.constantFrom(...SEPS), at: fc.nat(n - 1), other: fc.nat(n - 1) })
    .filter(({ at, other }) => at !== other)
    .map(({ parts, sep, at, other }) => [joinAt(parts, at, sep), joinAt(parts, other, sep)] as const);

describe('fingerprint: the tuple encoding is injective', () => {
  it('any two states: equal fingerprints exactly when plan() reads the same', () => {
    fc.assert(
      fc.property(spec, spec, (a, b) => agreesWithReads(toLive(a), toLive(b))),
      { numRuns: 2000 },
    );
  });

  it('a state and a copy with one field changed: the fingerprint and that section change', () => {
    fc.assert(
      fc.property(spec, text, fc.nat(), (s, value, pick) => {
        const a = toLive(s);
        const b = toLive(structuredClone(s));
        // One string field plan() reads, by position among all of them.
        const fields: [object, string][] = [
          [b.org, 'id'],
          [b.org, 'companyName'],
          [b.currentUser, 'email'],
          [b.currentUser, 'profile'],
          ...b.users.flatMap((u): [object, string][] => [[u, 'id'], [u, 'email'], [u, 'status'], [u.profile, 'name']]),
          ...b.profiles.flatMap((p): [object, string][] => [[p, 'id'], [p, 'name']]),
          ...b.portals.flatMap((p): [object, string][] => [[p, 'id'], [p, 'name'], [p, 'ownerEmail']]),
        ];
        const [obj, key] = fields[pick % fields.length] as [Record<string, unknown>, string];
        obj[key] = value;
        agreesWithReads(a, b);
      }),
      { numRuns: 1000 },
    );
  });

  it('a separator moved from one field to the next, in a user and in a portal', () => {
    const users = (fields: readonly string[]): UserSpec => ({ id: fields[0]!, email: fields[1]!, status: fields[2]!, confirmed: true, profile: fields[3]! });
    const portals = (fields: readonly string[]): PortalSpec => ({ id: fields[0]!, name: fields[1]!, ownerEmail: fields[2]! });
    fc.assert(
      fc.property(spec, shifted(4), shifted(3), (s, [ua, ub], [pa, pb]) => {
        const a = toLive({ ...s, users: [users(ua)], portals: [portals(pa)] });
        const b = toLive({ ...s, users: [users(ub)], portals: [portals(pb)] });
        expect(liveFingerprints(a).liveSections.users).not.toBe(liveFingerprints(b).liveSections.users);
        expect(liveFingerprints(a).liveSections.portals).not.toBe(liveFingerprints(b).liveSections.portals);
        agreesWithReads(a, b);
      }),
      { numRuns: 1000 },
    );
  });

  it('whatever order the lists were read in, with distinct ids', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const a = toLive(s);
        const distinct = <T extends { id: string }>(xs: T[]) => xs.filter((x, i) => xs.findIndex((y) => y.id === x.id) === i);
        a.users = distinct(a.users);
        a.profiles = distinct(a.profiles);
        a.portals = distinct(a.portals);
        const b: Live = { ...structuredClone(a), users: [...a.users].reverse(), profiles: [...a.profiles].reverse(), portals: [...a.portals].reverse() };
        if (b.integration) {
          b.integration.users.reverse();
          b.integration.profilePermissions = Object.fromEntries(Object.entries(b.integration.profilePermissions).reverse());
          b.integration.userPermissions = Object.fromEntries(Object.entries(b.integration.userPermissions).reverse());
        }
        expect(liveFingerprints(b)).toEqual(liveFingerprints(a));
      }),
      { numRuns: 500 },
    );
  });
});
