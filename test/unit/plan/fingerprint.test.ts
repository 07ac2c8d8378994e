import { describe, expect, it } from 'vitest';
import type { Live, LiveUser } from '../../../src/model/live.js';
import { fingerprint, fingerprintSections, fingerprintWithSections, sha256, stableStringify } from '../../../src/model/fingerprint.js';
import { plan } from '../../../src/plan/index.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';

const base = (): Live =>
  liveOrg({
    users: ['amy@acme.com', 'bob@acme.com', 'cat@acme.com'],
    integration: { users: ['amy@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ['view'] }, userPermissions: { 'bob@acme.com': ['view', 'edit'] } },
    links: { Accounts: 1, Contacts: 2, Deals: 3 },
  });

describe('fingerprint', () => {
  it('is stable for the same state, whatever order it was read in', () => {
    const a = base();
    const b = base();
    b.users.reverse();
    b.profiles.reverse();
    b.portals.reverse();
    b.integration?.users.reverse();
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(fingerprint(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(plan(desired(), a, planCtx()).liveFingerprint).toBe(fingerprint(a));
  });

  it('ignores link counts', () => {
    const b = base();
    b.links = { Accounts: 99, Contacts: 0, Deals: 0 };
    expect(fingerprint(b)).toBe(fingerprint(base()));
    delete b.links;
    expect(fingerprint(b)).toBe(fingerprint(base()));
  });

  const edits: [string, (l: Live) => void][] = [
    ['org name', (l) => void (l.org.companyName = 'Acme Inc')],
    ['current user', (l) => void (l.currentUser.profile = 'Standard')],
    ['user status', (l) => void (l.users[1]!.status = 'disabled')],
    ['user confirmed', (l) => void (l.users[1]!.confirmed = false)],
    ['user profile', (l) => void (l.users[1]!.profile = { id: '102', name: 'Manager' })],
    ['a new user', (l) => void l.users.push({ ...l.users[1]!, id: 'u-new', email: 'new@acme.com' })],
    ['profile', (l) => void l.profiles.push({ id: '999', name: 'Intern' })],
    ['portal name', (l) => void (l.portals[0]!.name = 'renamed')],
    ['integration status', (l) => void (l.integration!.status = 'inactive')],
    ['integration portal', (l) => void (l.integration!.portal = { id: '7002', name: 'acme-newco' })],
    ['granted users', (l) => void l.integration!.users.pop()],
    ['profile permissions', (l) => void (l.integration!.profilePermissions.Standard = ['view', 'create'])],
    ['user permissions', (l) => void (l.integration!.userPermissions['u-bob'] = ['view'])],
    ['settings unreadable', (l) => void (l.integration = null)],
  ];
  it.each(edits)('changes when %s changes', (_name, edit) => {
    const l = base();
    edit(l);
    expect(fingerprint(l)).not.toBe(fingerprint(base()));
  });
});

describe('fingerprint: the hashed text is the canonical JSON, fast path or not', () => {
  // The definition: sha256 of the sections, keys sorted at every level (stableStringify).
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sections = (l: Live) => ({
    org: l.org,
    'current user': l.currentUser,
    users: byId(l.users),
    profiles: byId(l.profiles),
    portals: byId(l.portals),
    integration: l.integration && { ...l.integration, users: [...l.integration.users].sort() },
  });
  const reference = (l: Live) => `sha256:${sha256(stableStringify(sections(l)))}`;
  const referenceSections = (l: Live) =>
    Object.fromEntries(Object.entries(sections(l)).map(([k, v]) => [k, sha256(stableStringify(v ?? null)).slice(0, 16)]));

  const odd = (): Live => {
    const l = base();
    const [a, b, c] = l.users as [LiveUser, LiveUser, LiveUser, ...LiveUser[]];
    a.fullName = 'Quote " backslash \\ tab \t newline \n bell \u0007 emoji 😀 lone \ud800 sep \u2028';
    a.role = { id: '9', name: 'Rôle' };
    delete (b as Partial<LiveUser>).role;
    (c as unknown as Record<string, unknown>).extra = { z: 1, a: [2, { y: null, b: undefined }] };
    l.users.push({ ...c, id: '10', email: 'num@acme.com', profile: { id: 7 as unknown as string, name: 'Standard' } });
    l.users.push(Object.assign(Object.create({ inherited: true }), { ...c, id: '9', email: 'proto@acme.com' }));
    l.integration!.userPermissions = { '9': ['view'], '10': ['edit'], b: [], a: ['view'] };
    return l;
  };

  it.each([
    ['the usual shapes', base],
    ['odd strings, missing and extra keys, other types, a prototype, integer-like keys', odd],
    ['no integration settings', () => ({ ...base(), integration: null })],
  ])('%s', (_name, make) => {
    const l = make();
    expect(fingerprint(l)).toBe(reference(l));
    expect(fingerprintSections(l)).toEqual(referenceSections(l));
    expect(fingerprintWithSections(l)).toEqual({ fingerprint: reference(l), sections: referenceSections(l) });
  });
});
