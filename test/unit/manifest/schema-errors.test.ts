import { describe, expect, it } from 'vitest';
import { VALID, edit, problems } from './helpers.js';

describe('parseManifest: schema errors, mapped to the YAML node', () => {
  it('reports an unknown top-level key at the key, with the expected keys and a suggestion', () => {
    expect(problems(edit('users:', 'usres:'))).toEqual([
      '10:1: unknown key "usres" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users); did you mean "users"?',
    ]);
  });

  it('reports unknown keys inside portal and user entries, naming where', () => {
    expect(problems(edit('  name: acme-projects', '  nmae: acme-projects\n  id: "7001"'))).toEqual([
      '5:3: unknown key "nmae" in portal (expected one of: name, id, zscKey, zscEmail); did you mean "name"?',
    ]);
    expect(problems(edit('  - email: alice@acme.com', '  - email: alice@acme.com\n    perms: [view]'))).toEqual([
      '12:5: unknown key "perms" in user entry (expected one of: email, permissions, expires); did you mean "permissions"?',
    ]);
  });

  it('reports a permission that is not one of the four, with a suggestion for case slips', () => {
    expect(problems(edit('[view, create]', '[view, admin]'))).toEqual([
      '9:20: permission "admin" is not one of view, create, edit, delete',
    ]);
    expect(problems(edit('[view, create]', '[View]'))).toEqual([
      '9:14: permission "View" is not one of view, create, edit, delete; did you mean "view"?',
    ]);
    expect(problems(edit('[view, create]', '[view, 3]'))).toEqual([
      '9:20: permission must be one of view, create, edit, delete (got the number 3)',
    ]);
  });

  it('tells to quote an org given as a bare number', () => {
    expect(problems(edit('org: "60012345678"', 'org: 60012345678'))).toEqual([
      '3:6: org must be a string of digits (quote it: org: "60012345678")',
    ]);
    expect(problems(edit('org: "60012345678"', 'org: acme'))).toEqual([
      '3:6: org must be a string of digits, like "60012345678" (got "acme")',
    ]);
    expect(problems(edit('org: "60012345678"', 'org: [1]'))).toEqual([
      '3:6: org must be a quoted string of digits, like "60012345678" (got a list)',
    ]);
  });

  it('tells to quote a portal id given as a bare number', () => {
    expect(problems(edit('  name: acme-projects', '  id: 7001'))).toEqual([
      '5:7: portal.id must be a string of digits (quote it: id: "7001")',
    ]);
  });

  it('reports wrong enum values for apiVersion, kind, state and dc with what is expected', () => {
    const text = edit('apiVersion: zpi/v1\nkind: ProjectsIntegration', 'apiVersion: zpi/v2\nkind: ProjectIntegration\nstate: enabled\ndc: us');
    expect(problems(text)).toEqual([
      '1:13: apiVersion must be zpi/v1 (got "zpi/v2"); did you mean "zpi/v1"?',
      '2:7: kind must be ProjectsIntegration (got "ProjectIntegration"); did you mean "ProjectsIntegration"?',
      '3:8: state must be one of active, deactivated (got "enabled")',
      '4:5: dc must be one of com, eu, in, com.au, jp, ca, sa, com.cn (got "us")',
    ]);
  });

  it('reports a missing required key at the parent mapping', () => {
    expect(problems(`# leading comment\n\n${VALID.replace('kind: ProjectsIntegration\n', '')}`)).toEqual([
      '3:1: missing required key "kind" (add kind: ProjectsIntegration)',
    ]);
    expect(problems(edit('  - email: alice@acme.com', '  - permissions: [view]'))).toEqual([
      '11:5: user entry is missing required key "email"',
    ]);
  });

  it('reports invalid emails', () => {
    expect(problems(edit('alice@acme.com', 'alice'))).toEqual(['11:12: email "alice" is not an email address']);
    expect(problems(edit('zscEmail: owner@acme.com', 'zscEmail: owner'))).toEqual([
      '7:13: portal.zscEmail "owner" is not an email address',
    ]);
  });

  it('explains wrong shapes with the way to write them', () => {
    expect(problems(edit('  - email: alice@acme.com', '  - alice@acme.com'))).toEqual([
      '11:5: each user must be a mapping: write "- email: alice@acme.com"',
    ]);
    expect(problems(edit('[view, create]', 'view'))).toEqual([
      '9:13: permissions of profile "Standard" must be a list like [view, create] (got "view"; write [view])',
    ]);
    expect(problems(edit(' [view, create]', ''))).toEqual([
      '9:3: permissions of profile "Standard" must be a list like [view, create] (got an empty value; write [] for no access)',
    ]);
    expect(problems(edit('users:\n  - email: alice@acme.com\n', 'users:\n'))).toEqual([
      '10:1: users must be a list of entries like "- email: alice@acme.com" (got an empty value; write users: [] to give nobody access)',
    ]);
    expect(problems(edit('portal:\n  name: acme-projects\n  zscKey: ${ZPI_ZSC_KEY}\n  zscEmail: owner@acme.com', 'portal: acme-projects'))).toEqual([
      '4:9: portal must be a mapping with name or id, zscKey and zscEmail (got "acme-projects"; write portal: {name: acme-projects})',
    ]);
    expect(problems(edit('  Standard: [view, create]', '  - Standard'))).toEqual([
      '9:3: profiles must be a mapping of profile name to permissions, like Standard: [view, create] (got a list)',
    ]);
    expect(problems(edit('  name: acme-projects', '  name: 2024'))).toEqual([
      '5:9: portal.name must be a string (got the number 2024; quote it: "2024")',
    ]);
    expect(problems(edit('  name: acme-projects', '  name: ""'))).toEqual(['5:9: portal.name must not be empty']);
    expect(problems(edit('  Standard:', '  "":'))).toEqual(['9:3: profile name must not be empty']);
  });

  it('rejects a manifest that is not a mapping', () => {
    expect(problems('- apiVersion: zpi/v1\n')).toEqual([
      '1:1: the manifest must be a mapping of apiVersion, kind, org… (got a list)',
    ]);
    // A scalar file (a .env, a pasted key) is not repeated: it may be a secret given by mistake.
    expect(problems('zpi\n')).toEqual(['1:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got text; its content is not shown']);
  });

  it('reports every error, sorted by position, each once', () => {
    const text = edit('org: "60012345678"', 'org: 60012345678\nstate: 5\nusres: 1').replace('[view, create]', '[admin, edit]');
    expect(problems(text)).toEqual([
      '3:6: org must be a string of digits (quote it: org: "60012345678")',
      '4:8: state must be one of active, deactivated (got the number 5)',
      '5:1: unknown key "usres" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users); did you mean "users"?',
      '11:14: permission "admin" is not one of view, create, edit, delete',
      '11:13: profile "Standard" has edit without view: create, edit and delete need view (write [view, edit])',
    ].sort(byPosition));
  });
});

function byPosition(a: string, b: string): number {
  const [la, ca] = a.split(':').map(Number) as [number, number];
  const [lb, cb] = b.split(':').map(Number) as [number, number];
  return la - lb || ca - cb;
}
