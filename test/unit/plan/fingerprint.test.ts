import { describe, expect, it } from 'vitest';
import type { Live, LiveUser } from '../../../src/model/live.js';
import { fingerprint, liveFingerprints } from '../../../src/model/fingerprint.js';
import { plan } from '../../../src/plan/index.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';

const base = (): Live =>
  liveOrg({
    users: ['amy@acme.com', 'bob@acme.com', 'cat@acme.com'],
    integration: { users: ['amy@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ['view'] }, userPermissions: { 'bob@acme.com': ['view', 'edit'] } },
    links: { Accounts: 1, Contacts: 2, Deals: 3 },
  });

const SECTIONS = ['org', 'current user', 'users', 'profiles', 'portals', 'integration'];

/** The sections whose short fingerprints differ between the two states. */
const changedSections = (a: Live, b: Live): string[] => {
  const x = liveFingerprints(a).liveSections;
  const y = liveFingerprints(b).liveSections;
  return SECTIONS.filter((k) => x[k] !== y[k]);
};

describe('fingerprint', () => {
  it('is stable for the same state, whatever order it was read in', () => {
    const a = base();
    const b = base();
    b.users.reverse();
    b.profiles.reverse();
    b.portals.reverse();
    b.integration?.users.reverse();
    // Permission maps in another key order.
    a.integration!.profilePermissions = { ...a.integration!.profilePermissions, Manager: ['view'] };
    b.integration!.profilePermissions = { Manager: ['view'], ...b.integration!.profilePermissions };
    a.integration!.userPermissions = { ...a.integration!.userPermissions, 'u-amy': ['view'] };
    b.integration!.userPermissions = { 'u-amy': ['view'], ...b.integration!.userPermissions };
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(liveFingerprints(b)).toEqual(liveFingerprints(a));
    expect(fingerprint(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('is what plan() records: the whole and one short fingerprint per section, from the live state it read', () => {
    const a = base();
    const p = plan(desired(), a, planCtx());
    expect(p.liveFingerprint).toBe(fingerprint(a));
    expect(p.liveSections).toEqual(liveFingerprints(a).liveSections);
    expect(Object.keys(p.liveSections ?? {})).toEqual(SECTIONS);
    for (const s of Object.values(p.liveSections ?? {})) expect(s).toMatch(/^[0-9a-f]{16}$/);
    // The sections are told apart: no two of them hash the same.
    expect(new Set(Object.values(p.liveSections ?? {})).size).toBe(SECTIONS.length);
  });

  it('ignores link counts (plan() reads them only for the blast radius, and they move as people work)', () => {
    const b = base();
    b.links = { Accounts: 99, Contacts: 0, Deals: 0 };
    expect(fingerprint(b)).toBe(fingerprint(base()));
    delete b.links;
    expect(fingerprint(b)).toBe(fingerprint(base()));
    expect(liveFingerprints(b)).toEqual(liveFingerprints(base()));
  });

  // Every field plan() reads, and the section a stale plan names when it changes.
  const edits: [string, string, (l: Live) => void][] = [
    ['org id', 'org', (l) => void (l.org.id = '60099999999')],
    ['org name', 'org', (l) => void (l.org.companyName = 'Acme Inc')],
    ['current user', 'current user', (l) => void (l.currentUser.profile = 'Standard')],
    ['current user email', 'current user', (l) => void (l.currentUser.email = 'root@acme.com')],
    ['current user admin', 'current user', (l) => void (l.currentUser.isAdmin = false)],
    ['user id', 'users', (l) => void (l.users[1]!.id = 'u-amy2')],
    ['user email', 'users', (l) => void (l.users[1]!.email = 'amy@acme.org')],
    ['user status', 'users', (l) => void (l.users[1]!.status = 'disabled')],
    ['user confirmed', 'users', (l) => void (l.users[1]!.confirmed = false)],
    ['user profile', 'users', (l) => void (l.users[1]!.profile = { id: '102', name: 'Manager' })],
    ['user profile name only', 'users', (l) => void (l.users[1]!.profile = { id: l.users[1]!.profile.id, name: 'Manager' })],
    ['a new user', 'users', (l) => void l.users.push({ ...l.users[1]!, id: 'u-new', email: 'new@acme.com' })],
    ['a user gone', 'users', (l) => void l.users.pop()],
    ['profile', 'profiles', (l) => void l.profiles.push({ id: '999', name: 'Intern' })],
    ['profile name', 'profiles', (l) => void (l.profiles[1]!.name = 'Standard User')],
    ['profile id', 'profiles', (l) => void (l.profiles[1]!.id = '199')],
    ['portal name', 'portals', (l) => void (l.portals[0]!.name = 'renamed')],
    ['portal id', 'portals', (l) => void (l.portals[0]!.id = '7009')],
    ['portal owner', 'portals', (l) => void (l.portals[0]!.ownerEmail = 'other@acme.com')],
    ['portal owner unknown', 'portals', (l) => void delete l.portals[0]!.ownerEmail],
    ['integration status', 'integration', (l) => void (l.integration!.status = 'inactive')],
    ['integration portal', 'integration', (l) => void (l.integration!.portal = { id: '7002', name: 'acme-newco' })],
    ['integration portal gone', 'integration', (l) => void (l.integration!.portal = null)],
    ['granted users', 'integration', (l) => void l.integration!.users.pop()],
    ['profile permissions', 'integration', (l) => void (l.integration!.profilePermissions.Standard = ['view', 'create'])],
    ['an empty profile entry', 'integration', (l) => void (l.integration!.profilePermissions.Manager = [])],
    ['user permissions', 'integration', (l) => void (l.integration!.userPermissions['u-bob'] = ['view'])],
    ['an override removed', 'integration', (l) => void delete l.integration!.userPermissions['u-bob']],
    ['an empty override', 'integration', (l) => void (l.integration!.userPermissions['u-amy'] = [])],
    ['settings unreadable', 'integration', (l) => void (l.integration = null)],
  ];
  it.each(edits)('changes when %s changes, and names %s', (_name, section, edit) => {
    const l = base();
    edit(l);
    expect(fingerprint(l)).not.toBe(fingerprint(base()));
    expect(changedSections(base(), l)).toEqual([section]);
  });

  // Fields plan() never reads: a change to them changes neither the plan nor the fingerprint.
  const unread: [string, (l: Live) => void][] = [
    ['the org primary email', (l) => void (l.org.primaryEmail = 'ceo@acme.com')],
    ['the org type', (l) => void (l.org.type = 'sandbox')],
    ['the current user id', (l) => void (l.currentUser.id = 'u-someone')],
    ['a user full name', (l) => void (l.users[1]!.fullName = 'Amy Pond')],
    ['a user role', (l) => void (l.users[1]!.role = { id: 'r1', name: 'CEO' })],
    ['a user profile id', (l) => void (l.users[1]!.profile = { id: '999', name: l.users[1]!.profile.name })],
    ['the order of a permission list', (l) => void (l.integration!.userPermissions['u-bob'] = ['edit', 'view'])],
    ['a permission listed twice', (l) => void (l.integration!.profilePermissions.Standard = ['view', 'view'])],
  ];
  it.each(unread)('does not change when %s changes, nor does the plan', (_name, edit) => {
    const l = base();
    edit(l);
    expect(liveFingerprints(l)).toEqual(liveFingerprints(base()));
    const { liveFingerprint: _a, liveSections: _b, ...fresh } = plan(desired(), l, planCtx());
    const { liveFingerprint: _c, liveSections: _d, ...before } = plan(desired(), base(), planCtx());
    expect(fresh).toEqual(before);
  });

  // States a naive text (fields joined by tabs, lines by newlines, absent as empty) would confuse.
  const user = (l: Live): LiveUser => l.users.find((u) => u.id === 'u-amy')!;
  const lookalikes: [string, (l: Live) => void, (l: Live) => void][] = [
    ['a tab moved from one field to the next', (l) => void ((user(l).email = 'a\tb'), (user(l).status = 'c')), (l) => void ((user(l).email = 'a'), (user(l).status = 'b\tc'))],
    ['a newline inside a field and a line break', (l) => void (l.integration!.users = ['u-amy\nu\tu-bob']), (l) => void (l.integration!.users = ['u-amy', 'u-bob'])],
    ['an escape written out and the character', (l) => void (user(l).email = 'a\\tb'), (l) => void (user(l).email = 'a\tb')],
    ['a lone surrogate and the replacement character', (l) => void (user(l).email = 'a\ud800'), (l) => void (user(l).email = 'a\ufffd')],
    ['no owner and an owner called -', (l) => void delete l.portals[0]!.ownerEmail, (l) => void (l.portals[0]!.ownerEmail = '-')],
    ['an empty owner and none', (l) => void (l.portals[0]!.ownerEmail = ''), (l) => void delete l.portals[0]!.ownerEmail],
    // "t" sorts after Standard and before u-bob: naively, the same lines in the same order.
    ['a profile entry and an override with the same key', (l) => void (l.integration!.profilePermissions.t = ['view']), (l) => void (l.integration!.userPermissions.t = ['view'])],
    [
      'unreadable settings and an inactive integration with nothing',
      (l) => void (l.integration = null),
      (l) => void (l.integration = { status: 'inactive', portal: null, users: [], profilePermissions: {}, userPermissions: {} }),
    ],
    // u-amy0 sorts right after u-amy: naively, the same lines.
    [
      'one user split in two by a field holding a line',
      (l) => void (user(l).profile = { id: '101', name: `Standard\nu-amy0\t${user(l).email}\tactive\t1\tStandard` }),
      (l) => void l.users.push({ ...user(l), id: 'u-amy0' }),
    ],
  ];
  it.each(lookalikes)('tells apart %s', (_name, one, other) => {
    const a = base();
    const b = base();
    one(a);
    other(b);
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});
