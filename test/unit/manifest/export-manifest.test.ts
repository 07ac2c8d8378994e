import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { liveToManifest } from '../../../src/manifest/export-manifest.js';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';
import type { Desired } from '../../../src/model/desired.js';
import type { Live, LiveUser } from '../../../src/model/live.js';

const user = (id: string, name: string, profile = 'Standard'): LiveUser => ({
  id,
  email: `${name}@acme.com`,
  fullName: name,
  status: 'active',
  confirmed: true,
  profile: { id: profile, name: profile },
});

function live(overrides: Partial<Live> = {}): Live {
  return {
    org: { id: '60012345678', companyName: 'Acme', primaryEmail: 'admin@acme.com', type: 'production' },
    currentUser: { id: '200', email: 'admin@acme.com', profile: 'Administrator', isAdmin: true },
    users: [user('200', 'admin', 'Administrator'), user('201', 'carol'), user('202', 'alice'), user('203', 'bob'), user('204', 'owner')],
    profiles: [
      { id: '100', name: 'Administrator' },
      { id: '101', name: 'Standard' },
      { id: '102', name: 'Sales Rep' },
    ],
    portals: [
      { id: '7001', name: 'acme-projects', ownerEmail: 'owner@acme.com' },
      { id: '7002', name: 'acme-newco', ownerEmail: 'newco-owner@acme.com' },
    ],
    integration: {
      status: 'active',
      portal: { id: '7001', name: 'acme-projects' },
      users: ['201', '202', '203', '204'],
      profilePermissions: { Standard: ['view', 'create', 'edit'], Administrator: ['view', 'create', 'edit', 'delete'], 'Sales Rep': ['view'] },
      userPermissions: { '203': ['view'] },
    },
    ...overrides,
  };
}

function parse(text: string): Desired {
  const r = parseManifest(text, 'export.yaml');
  if (!('desired' in r)) throw new Error(r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  return r.desired;
}

describe('liveToManifest', () => {
  it('renders the live integration as a manifest, modeline first', () => {
    expect(liveToManifest(live())).toBe(`# yaml-language-server: $schema=node_modules/zpi/schema/integration.schema.json
# Exported by zpi export from Acme (org 60012345678).

apiVersion: zpi/v1
kind: ProjectsIntegration
org: "60012345678"
state: active
portal:
  name: acme-projects
  id: "7001"
  zscKey: \${ZPI_ZSC_KEY}
  zscEmail: owner@acme.com
profiles:
  Administrator: [view, create, edit, delete]
  Sales Rep: [view]
  Standard: [view, create, edit]
users:
  - email: alice@acme.com
  - email: bob@acme.com
    permissions: [view]
  - email: carol@acme.com
`);
  });

  it('parses back into the same desired state', () => {
    const d = parse(liveToManifest(live()));
    expect(d.org).toBe('60012345678');
    expect(d.state).toBe('active');
    expect(d.portal).toMatchObject({ id: '7001', name: 'acme-projects', zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: 'owner@acme.com' });
    expect(Object.fromEntries(Object.entries(d.profiles).map(([k, v]) => [k, v.permissions]))).toEqual(
      live().integration?.profilePermissions,
    );
    expect(d.users.map((u) => ({ email: u.email, permissions: u.permissions }))).toEqual([
      { email: 'alice@acme.com', permissions: undefined },
      { email: 'bob@acme.com', permissions: ['view'] },
      { email: 'carol@acme.com', permissions: undefined },
    ]);
    expect(d.warnings).toEqual([]);
  });

  it('writes every managed setting: a profile with no permissions as [], an override equal to the profile', () => {
    const l = live();
    l.integration!.profilePermissions = { ...l.integration!.profilePermissions, Support: [] };
    // carol (201) is Standard, whose permissions are view, create, edit: the same override still pins her.
    l.integration!.userPermissions = { ...l.integration!.userPermissions, '201': ['edit', 'view', 'create'] };
    const text = liveToManifest(l);
    expect(text).toContain('profiles:\n  Administrator: [view, create, edit, delete]\n  Sales Rep: [view]\n  Standard: [view, create, edit]\n  Support: []\n');
    expect(text).toContain('  - email: carol@acme.com\n    permissions: [view, create, edit]\n');
    const d = parse(text);
    expect(d.profiles.Support?.permissions).toEqual([]);
    expect(d.users.find((u) => u.email === 'carol@acme.com')?.permissions).toEqual(['view', 'create', 'edit']);
    // An override of no permissions at all is an override too.
    l.integration!.userPermissions['202'] = [];
    expect(liveToManifest(l)).toContain('  - email: alice@acme.com\n    permissions: []\n');
  });

  it('the modeline points at the schema of zpi installed as a package, or where it is told, or is left out', () => {
    expect(liveToManifest(live()).split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/zpi/schema/integration.schema.json');
    expect(liveToManifest(live(), { schemaPath: '../node_modules/zpi/schema/integration.schema.json' }).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../node_modules/zpi/schema/integration.schema.json',
    );
    const none = liveToManifest(live(), { schemaPath: null });
    expect(none).not.toContain('yaml-language-server');
    expect(none.split('\n')[0]).toBe('# Exported by zpi export from Acme (org 60012345678).');
    expect(parse(none).org).toBe('60012345678');
  });

  it('exports an inactive integration as state: deactivated, nothing else', () => {
    const text = liveToManifest(live({ integration: { status: 'inactive', portal: null, users: [], profilePermissions: {}, userPermissions: {} } }));
    expect(text).toContain('state: deactivated\n');
    expect(text).not.toMatch(/portal:|users:|profiles:/);
    expect(parse(text)).toMatchObject({ state: 'deactivated', users: [], profiles: {} });
  });

  it('quotes what needs quoting: odd profile names, emails, ids', () => {
    const l = live();
    l.org.id = '00123';
    l.integration!.profilePermissions = { 'yes': ['view'], '# Not a comment': [], 'a: b': ['view', 'edit'] };
    l.integration!.portal = { id: '7001', name: 'true' };
    l.portals[0]!.name = 'true';
    const d = parse(liveToManifest(l));
    expect(d.org).toBe('00123');
    expect(d.portal?.name).toBe('true');
    expect(Object.keys(d.profiles).sort()).toEqual(['# Not a comment', 'a: b', 'yes']);
    expect(d.profiles['# Not a comment']?.permissions).toEqual([]);
  });

  it('leaves out the portal owner and notes ids it cannot name', () => {
    const l = live();
    l.integration!.users.push('999');
    const text = liveToManifest(l);
    expect(text).not.toContain('owner@acme.com\n  - ');
    expect(text).toContain('# Left out: user ids with access that are not CRM users zpi could read: 999\nusers:');
    expect(parse(text).users.map((u) => u.email)).toEqual(['alice@acme.com', 'bob@acme.com', 'carol@acme.com']);
  });

  it('leaves out users with access who are no longer active and confirmed, so the export plans', () => {
    const l = live();
    const bob = l.users.find((u) => u.email === 'bob@acme.com')!;
    bob.status = 'disabled';
    const text = liveToManifest(l);
    expect(text).toContain(
      '# Left out: users with access who are not active and confirmed in CRM (a plan revokes them): bob@acme.com (disabled)\nusers:',
    );
    expect(parse(text).users.map((u) => u.email)).toEqual(['alice@acme.com', 'carol@acme.com']);
  });

  it('says so when the integration settings could not be read', () => {
    const text = liveToManifest(live({ integration: null }));
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/zpi/schema/integration.schema.json');
    expect(text).toContain('# The integration settings could not be read');
    expect(text).toContain('acme-projects (id 7001), acme-newco (id 7002)');
    // Without the settings there is no portal to write: the manifest needs one before planning.
    const r = parseManifest(text, 'x.yaml');
    // Nor users: `users:` is required when active (a manifest without it must not revoke everyone).
    expect('problems' in r && r.problems.map((p) => p.message)).toEqual([
      'users is required when state is active: list the users who get access, or write users: [] to give nobody access',
      'portal is required when state is active',
    ]);
  });
});

describe('liveToManifest round trip (property)', () => {
  const perms = fc.subarray(['view', 'create', 'edit', 'delete'] as const).map((ps) => (ps.length > 0 && !ps.includes('view') ? ['view' as const, ...ps] : [...ps]));
  // Any text Zoho could hold as a profile name, except a ${…} reference, which a manifest refuses.
  const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => !s.includes('${'));
  const local = fc.stringMatching(/^[a-z0-9._+-]{1,12}$/);

  it('parses back into the Desired it was exported from', () => {
    fc.assert(
      fc.property(
        fc.dictionary(name, perms, { maxKeys: 6 }),
        fc.uniqueArray(fc.record({ local, override: fc.option(perms, { nil: undefined }) }), { selector: (u) => u.local, maxLength: 8 }),
        fc.stringMatching(/^[0-9]{1,20}$/),
        name,
        (profilePermissions, people, orgId, portalName) => {
          const users = people.map((p, i) => user(String(300 + i), p.local));
          const l = live({
            org: { id: orgId, companyName: 'Acme', primaryEmail: 'admin@acme.com', type: 'production' },
            users,
            portals: [{ id: '7001', name: portalName, ownerEmail: 'owner@acme.com' }],
            integration: {
              status: 'active',
              portal: { id: '7001', name: portalName },
              users: users.map((u) => u.id),
              profilePermissions,
              userPermissions: Object.fromEntries(people.flatMap((p, i) => (p.override ? [[String(300 + i), p.override]] : []))),
            },
          });
          const d = parse(liveToManifest(l));
          expect(d.org).toBe(orgId);
          expect(d.portal).toMatchObject({ id: '7001', name: portalName });
          expect(Object.fromEntries(Object.entries(d.profiles).map(([k, v]) => [k, v.permissions]))).toEqual(profilePermissions);
          const want = people
            .map((p) => ({ email: `${p.local}@acme.com`, permissions: p.override }))
            .sort((a, b) => (a.email < b.email ? -1 : 1));
          expect(d.users.map((u) => ({ email: u.email, permissions: u.permissions }))).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});
