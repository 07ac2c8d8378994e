import { applyPatch, createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';
import type { Desired } from '../../../src/model/desired.js';
import type { Permission } from '../../../src/model/permissions.js';
import { renderJson } from '../../../src/render/index.js';
import { parsePlanFile } from '../../../src/run/plan-file.js';
import { canonicalManifest, desiredSettings, diffSection, liveSettings, renderManifestDiff } from '../../../src/render/render-diff.js';
import { desired, liveOrg, userId } from '../../helpers/builders.js';
import { changePlan } from '../../helpers/plans.js';

function manifest(text: string, file = 'integration.yaml'): Desired {
  const r = parseManifest(text, file);
  if (!('desired' in r)) throw new Error(r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  return r.desired;
}

/** The org the manifests below describe: three users, one override, an unmanaged profile (Manager). */
const LIVE = liveOrg({
  users: ['alice@acme.com', 'bob@acme.com', 'carol@acme.com', 'dave@acme.com'],
  integration: {
    users: ['carol@acme.com', 'alice@acme.com', 'bob@acme.com'],
    profilePermissions: { Standard: ['view', 'create', 'edit'], Administrator: ['view', 'create', 'edit', 'delete'], Manager: ['view'] },
    userPermissions: { 'bob@acme.com': ['view'] },
  },
});

const SAME = `# yaml-language-server: $schema=node_modules/zpi/schema/integration.schema.json
# Written by hand: comments, another key order, users and profiles in another order.
kind: ProjectsIntegration
apiVersion: zpi/v1
state: active      # still active
org: "60012345678"
users:
  - email: Carol@Acme.com
  - permissions: [view]   # bob only reads
    email: bob@acme.com
  - email: alice@acme.com
profiles:
  Standard: [edit, view, create]
  Administrator: [delete, edit, create, view]
portal:
  zscEmail: owner@acme.com
  zscKey: \${ZPI_ZSC_KEY}
  name: acme-projects
`;

describe('renderManifestDiff', () => {
  it('is empty when the manifest differs from live only in comments, order, case and unmanaged profiles', () => {
    expect(renderManifestDiff(LIVE, manifest(SAME))).toBe('');
  });

  it('shows one real change as only its lines', () => {
    const d = manifest(SAME.replace('  - email: alice@acme.com\n', '  - email: alice@acme.com\n    permissions: [view, create]\n'));
    expect(renderManifestDiff(LIVE, d)).toBe(
      [
        '--- live',
        '+++ integration.yaml',
        '@@ -7,6 +7,7 @@',
        '   Standard: [view, create, edit]',
        ' users:',
        '   - email: alice@acme.com',
        '+    permissions: [view, create]',
        '   - email: bob@acme.com',
        '     permissions: [view]',
        '   - email: carol@acme.com',
        '',
      ].join('\n'),
    );
  });

  it('a grant, a revoke, an override change and a profile change: each its own lines, nothing else', () => {
    const d = manifest(
      SAME.replace('  - email: Carol@Acme.com\n', '  - email: dave@acme.com\n')
        .replace('  - permissions: [view]   # bob only reads\n', '  - permissions: [view, create]\n')
        .replace('Standard: [edit, view, create]', 'Standard: [view]'),
    );
    const patch = renderManifestDiff(LIVE, d);
    const changed = patch.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));
    // Adjacent changes form one run, removals first (as diff tools show them).
    expect(changed).toEqual([
      '-  Standard: [view, create, edit]',
      '+  Standard: [view]',
      '-    permissions: [view]',
      '-  - email: carol@acme.com',
      '+    permissions: [view, create]',
      '+  - email: dave@acme.com',
    ]);
  });

  it('shows the same canonical form on both sides, keys in a fixed order', () => {
    const d = manifest(SAME);
    const text = canonicalManifest(liveSettings(LIVE, d));
    expect(text).toBe(canonicalManifest(desiredSettings(d)));
    expect(text).toBe(
      [
        'org: "60012345678"',
        'state: active',
        'portal:',
        '  name: acme-projects',
        'profiles:',
        '  Administrator: [view, create, edit, delete]',
        '  Standard: [view, create, edit]',
        'users:',
        '  - email: alice@acme.com',
        '  - email: bob@acme.com',
        '    permissions: [view]',
        '  - email: carol@acme.com',
        '',
      ].join('\n'),
    );
    // The ZSC key reference and email are credentials, not settings: on neither side.
    expect(text).not.toMatch(/zsc/i);
  });

  it('a managed profile live has no entry for shows as [] (plan counts it so); unmanaged ones never show', () => {
    const d = manifest(SAME.replace('profiles:\n', 'profiles:\n  Sales Rep: []\n'));
    expect(renderManifestDiff(LIVE, d)).toBe('');
    expect(canonicalManifest(liveSettings(LIVE, d))).toContain('  Sales Rep: []\n');
    expect(canonicalManifest(liveSettings(LIVE, d))).not.toContain('Manager');
    const raised = manifest(SAME.replace('profiles:\n', 'profiles:\n  Manager: [view, create]\n'));
    expect(renderManifestDiff(LIVE, raised)).toContain('\n-  Manager: [view]\n+  Manager: [view, create]\n');
  });

  it('an override equal to the profile is still an override: declared or dropped, it makes lines', () => {
    const pinned = manifest(SAME.replace('  - email: alice@acme.com\n', '  - email: alice@acme.com\n    permissions: [view, create, edit]\n'));
    expect(renderManifestDiff(LIVE, pinned)).toContain('   - email: alice@acme.com\n+    permissions: [view, create, edit]\n');
    const dropped = manifest(SAME.replace('  - permissions: [view]   # bob only reads\n    email: bob@acme.com\n', '  - email: bob@acme.com\n'));
    expect(renderManifestDiff(LIVE, dropped)).toContain('   - email: bob@acme.com\n-    permissions: [view]\n');
  });

  it('names the portal by the fields the manifest uses: by id, by name, or both', () => {
    const byId = manifest(SAME.replace('  name: acme-projects\n', '  id: "7001"\n'));
    expect(renderManifestDiff(LIVE, byId)).toBe('');
    const both = manifest(SAME.replace('  name: acme-projects\n', '  name: acme-projects\n  id: "7001"\n'));
    expect(renderManifestDiff(LIVE, both)).toBe('');
    expect(canonicalManifest(liveSettings(LIVE, both))).toContain('portal:\n  name: acme-projects\n  id: "7001"\nprofiles:');
    const swap = manifest(SAME.replace('  name: acme-projects\n', '  name: acme-newco\n').replace('owner@acme.com', 'newco@acme.com'));
    expect(renderManifestDiff(LIVE, swap)).toContain(' portal:\n-  name: acme-projects\n+  name: acme-newco\n');
  });

  it('deactivating: the desired side is the state alone; the live portal and users go', () => {
    const d = manifest('apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\nstate: deactivated\n');
    expect(renderManifestDiff(LIVE, d)).toBe(
      [
        '--- live',
        '+++ integration.yaml',
        '@@ -1,10 +1,2 @@',
        ' org: "60012345678"',
        '-state: active',
        '-portal:',
        '-  name: acme-projects',
        '-  id: "7001"',
        '-users:',
        '-  - email: alice@acme.com',
        '-  - email: bob@acme.com',
        '-    permissions: [view]',
        '-  - email: carol@acme.com',
        '+state: deactivated',
        '',
      ].join('\n'),
    );
    const off = liveOrg({ integration: 'inactive' });
    expect(renderManifestDiff(off, d)).toBe('');
  });

  it('activating a deactivated org: everything the manifest sets is added', () => {
    const patch = renderManifestDiff(liveOrg({ users: ['alice@acme.com', 'bob@acme.com', 'carol@acme.com'], integration: 'inactive' }), manifest(SAME));
    expect(patch).toContain('-state: deactivated\n+state: active\n+portal:\n+  name: acme-projects\n+profiles:\n');
    expect(patch).toContain('+  - email: carol@acme.com\n');
  });

  it('an active integration without a portal counts as no users and no permissions, as plan counts it', () => {
    const l = liveOrg({ users: ['alice@acme.com'], integration: { portal: null, users: ['alice@acme.com'], profilePermissions: { Standard: ['view'] } } });
    expect(canonicalManifest(liveSettings(l, manifest(SAME)))).toBe('org: "60012345678"\nstate: active\n');
  });

  it('settings that cannot be read (real Zoho): live is the org alone, the manifest all added', () => {
    const patch = renderManifestDiff(liveOrg({ integration: null }), manifest(SAME));
    expect(patch.split('\n').slice(0, 5)).toEqual(['--- live', '+++ integration.yaml', '@@ -1,1 +1,12 @@', ' org: "60012345678"', '+state: active']);
  });

  it('labels a user id the integration lists but CRM does not, as plan does', () => {
    const l = liveOrg({ users: ['alice@acme.com'], integration: { users: ['alice@acme.com'] } });
    l.integration!.users.push('999', '999');
    const d = desired({ users: ['alice@acme.com'], portal: { name: 'acme-projects' } });
    // Once, sorted as its label sorts.
    expect(renderManifestDiff(l, d)).toContain(' users:\n-  - email: (user id 999)\n   - email: alice@acme.com\n');
  });

  it('quotes odd names on one line, the same way on both sides', () => {
    const names: Record<string, Permission[]> = { 'yes': ['view'], '# Not a comment': [], 'a: b': ['view'], 'two\nlines': ['view'], 'Sales Rep': ['view'] };
    const l = liveOrg({ integration: { profilePermissions: names } });
    const d = desired({ profiles: names, portal: { name: 'acme-projects' } });
    expect(renderManifestDiff(l, d)).toBe('');
    const text = canonicalManifest(liveSettings(l, d));
    expect(text).toContain('\n  "# Not a comment": []\n');
    expect(text).toContain('\n  "a: b": [view]\n');
    expect(text).toContain('\n  "two\\nlines": [view]\n');
    expect(text).toContain('\n  Sales Rep: [view]\n');
    // YAML 1.2 (what zpi reads): `yes` is a string, not a boolean.
    expect(text).toContain('\n  yes: [view]\n');
    expect(text.split('\n')).toHaveLength(12);
  });

  it('100,000 users, every one replaced: linear, not quadratic', () => {
    const n = 100_000;
    const before = Array.from({ length: n }, (_, i) => `old${i}@acme.com`);
    const after = Array.from({ length: n }, (_, i) => `new${i}@acme.com`);
    const l = liveOrg({ users: [...before, ...after], integration: { users: before } });
    const d = desired({ users: after, portal: { name: 'acme-projects' } });
    // Quadratic (a plain line diff) takes minutes here, past the test's timeout; this takes about a
    // second. How long it takes is measured by `npm run bench` (bench/plan-time.mjs: the diff of a
    // 100,000-user org whose users change), not asserted here.
    const patch = renderManifestDiff(l, d);
    const lines = patch.split('\n');
    expect(lines.filter((x) => x.startsWith('-  - email: '))).toHaveLength(n);
    expect(lines.filter((x) => x.startsWith('+  - email: '))).toHaveLength(n);
  });

  it('the patch is a unified diff the diff package applies: live + patch = the manifest (property)', () => {
    const perms = fc.subarray(['view', 'create', 'edit', 'delete'] as Permission[]).map((ps) => (ps.length > 0 && !ps.includes('view') ? (['view', ...ps] as Permission[]) : ps));
    const email = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h').map((s) => `${s}@acme.com`);
    const people = fc.uniqueArray(fc.record({ email, override: fc.option(perms, { nil: undefined }) }), { selector: (u) => u.email, maxLength: 8 });
    const profiles = fc.dictionary(fc.constantFrom('Administrator', 'Standard', 'Manager', 'Sales Rep'), perms, { maxKeys: 4 });
    fc.assert(
      fc.property(people, people, profiles, profiles, fc.nat(4), (had, want, liveProfiles, wantProfiles, context) => {
        const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => `${s}@acme.com`);
        const l = liveOrg({
          users: all,
          integration: {
            users: had.map((u) => u.email),
            profilePermissions: liveProfiles,
            userPermissions: Object.fromEntries(had.flatMap((u) => (u.override ? [[u.email, u.override]] : []))),
          },
        });
        const d = desired({ users: want.map((u) => (u.override ? { email: u.email, permissions: u.override } : u.email)), profiles: wantProfiles, portal: { name: 'acme-projects' } });
        const from = canonicalManifest(liveSettings(l, d));
        const to = canonicalManifest(desiredSettings(d));
        const patch = renderManifestDiff(l, d, { context });
        expect(patch === '').toBe(from === to);
        if (patch !== '') expect(applyPatch(from, patch)).toBe(to);
        // Where the package's own line diff is unambiguous (one hunk per change, and no user entry of
        // two lines: there zpi removes and adds whole entries, where a line diff may keep a shared
        // `permissions:` line between two different users), it agrees exactly.
        if (context === 3 && had.length + want.length <= 2 && [...had, ...want].every((u) => u.override === undefined)) {
          const theirs = from === to ? '' : createTwoFilesPatch('live', 'integration.yaml', from, to, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
          expect(patch).toBe(theirs);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a user whose expires day is over counts as not listed; expires itself is no setting and makes no line', () => {
    const d = manifest(SAME.replace('  - email: alice@acme.com\n', '  - email: alice@acme.com\n    expires: 2027-01-31\n'));
    // Without a clock nobody has expired; on the last day the user still has access.
    expect(renderManifestDiff(LIVE, d)).toBe('');
    expect(renderManifestDiff(LIVE, d, { now: new Date('2027-01-31T23:59:59Z') })).toBe('');
    expect(renderManifestDiff(LIVE, d, { now: new Date('2027-02-01T00:00:00Z') })).toContain(' users:\n-  - email: alice@acme.com\n   - email: bob@acme.com\n');
    expect(canonicalManifest(desiredSettings(d))).not.toContain('expires');
  });

  it('ignores ids: the same users under other ids make no lines', () => {
    const l = liveOrg({ users: [{ email: 'alice@acme.com', id: 'x1' }], integration: { users: [] } });
    l.integration!.users = ['x1'];
    expect(userId('alice@acme.com')).not.toBe('x1');
    expect(renderManifestDiff(l, desired({ users: ['alice@acme.com'], portal: { name: 'acme-projects' } }))).toBe('');
  });
});

describe('diffSection', () => {
  const patch = '--- live\n+++ integration.yaml\n@@ -1,1 +1,1 @@\n-a\n+b\n';

  it('text: the patch after a blank line; no differences is one line saying so', () => {
    expect(diffSection(patch, 'text', 'integration.yaml')).toBe(`\n${patch}`);
    expect(diffSection('', 'text', 'integration.yaml')).toBe('\nNo differences: the live settings match integration.yaml (in canonical form).\n');
    expect(diffSection('', 'markdown', 'integration.yaml')).toBe('\nNo differences: the live settings match integration.yaml (in canonical form).\n');
  });

  it('markdown: a ```diff block no name can close', () => {
    expect(diffSection(patch, 'markdown', 'integration.yaml')).toBe(`\n\`\`\`diff\n${patch}\`\`\`\n`);
    const sneaky = `${patch.slice(0, -1)}\n+  - email: x\`\`\`\`y@acme.com\n`;
    expect(diffSection(sneaky, 'markdown', 'integration.yaml')).toBe(`\n\`\`\`\`\`diff\n${sneaky}\`\`\`\`\`\n`);
  });

  it('escapes control characters from names and the file name, one printed line per line', () => {
    const out = diffSection('--- live\n+++ a\x1b[2Jb.yaml\n@@ -1,1 +1,1 @@\n-x\n+\u202ey\n', 'text', 'x');
    expect(out).not.toMatch(/[\x1b\u202e]/);
    expect(out.split('\n')).toHaveLength(7);
  });
});

describe('renderJson with a diff', () => {
  it('adds a top-level diff string, keys still sorted after formatVersion; without it, nothing changes', () => {
    const plan = changePlan();
    const patch = '--- live\n+++ integration.yaml\n@@ -1,1 +1,1 @@\n-\u202ea\n+b\n';
    const plain = renderJson(plan);
    expect(JSON.parse(plain)).not.toHaveProperty('diff');
    expect(renderJson(plan, {})).toBe(plain);
    const text = renderJson(plan, { diff: patch });
    const doc = JSON.parse(text);
    expect(doc.diff).toBe(patch);
    expect(Object.keys(doc)[0]).toBe('formatVersion');
    expect(Object.keys(doc).slice(1)).toEqual([...Object.keys(doc).slice(1)].sort());
    // No raw bidi character in the JSON text, only its escape.
    expect(text).not.toContain('\u202e');
    expect(text).toContain('\\u202ea');
    expect(JSON.parse(renderJson(plan, { diff: '' })).diff).toBe('');
    // A plan printed with --diff still reads as a plan file, the same plan.
    expect(renderJson(parsePlanFile(text, 'plan.json'))).toBe(text);
    const { diff: _diff, ...rest } = JSON.parse(text);
    expect(rest).toEqual(JSON.parse(plain));
  });
});
