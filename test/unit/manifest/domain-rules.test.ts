import { describe, expect, it } from 'vitest';
import { desired, edit, problems } from './helpers.js';

const USERS_REQUIRED = 'users is required when state is active: list the users who get access, or write users: [] to give nobody access';

describe('parseManifest: domain rules (DESIGN §2)', () => {
  it('rejects create/edit/delete without view, on profiles and on users', () => {
    expect(problems(edit('[view, create]', '[create, delete]'))).toEqual([
      '9:13: profile "Standard" has create, delete without view: create, edit and delete need view (write [view, create, delete])',
    ]);
    expect(problems(edit('  - email: alice@acme.com', '  - email: Alice@acme.com\n    permissions: [edit]'))).toEqual([
      '12:18: user alice@acme.com has edit without view: create, edit and delete need view (write [view, edit])',
    ]);
  });

  it('accepts [] (no access) and any order', () => {
    const d = desired(edit('[view, create]', '[]').replace('  - email: alice@acme.com', '  - email: alice@acme.com\n    permissions: [delete, view]'));
    expect(d.profiles.Standard?.permissions).toEqual([]);
    expect(d.users[0]?.permissions).toEqual(['view', 'delete']);
  });

  it('rejects a permission listed twice, at the second one', () => {
    expect(problems(edit('[view, create]', '[view, create, view]'))).toEqual([
      '9:28: permission "view" is listed twice',
    ]);
  });

  it('rejects a user listed twice, case-insensitively, naming both lines', () => {
    const text = edit('  - email: alice@acme.com', '  - email: bob@acme.com\n  - email: alice@acme.com\n  - email: Bob@ACME.com');
    expect(problems(text)).toEqual(['13:5: user bob@acme.com is listed twice (first at line 11)']);
  });

  it('rejects a portal with neither name nor id', () => {
    expect(problems(edit('  name: acme-projects\n', ''))).toEqual([
      '5:3: portal needs a name or an id (like name: acme-projects)',
    ]);
  });

  it('accepts a portal with both id and name (plan checks they match)', () => {
    const d = desired(edit('  name: acme-projects', '  name: acme-projects\n  id: "7001"'));
    expect(d.portal).toMatchObject({ name: 'acme-projects', id: '7001' });
  });

  it('requires a portal when state is active, explicitly or by default', () => {
    const noPortal = 'apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\n';
    // Neither portal nor users: both are required when active, and both are said at the same place.
    expect(problems(noPortal)).toEqual([`1:1: ${USERS_REQUIRED}`, '1:1: portal is required when state is active']);
    expect(problems(`${noPortal}state: active\n`)).toEqual([`4:8: ${USERS_REQUIRED}`, '4:8: portal is required when state is active']);
    expect(problems(`${noPortal}users: []\n`)).toEqual(['1:1: portal is required when state is active']);
    expect(problems(`${noPortal}users: []\nstate: active\n`)).toEqual(['5:8: portal is required when state is active']);
  });

  it('requires users when state is active, explicitly or by default: a missing list must not revoke everyone', () => {
    const noUsers = edit('users:\n  - email: alice@acme.com\n', '');
    // No state key: at the top-level mapping (after any leading comment), where state would go.
    expect(problems(noUsers)).toEqual([`1:1: ${USERS_REQUIRED}`]);
    expect(problems(`# Acme\n\n${noUsers}`)).toEqual([`3:1: ${USERS_REQUIRED}`]);
    // An explicit state: at its value, the thing that makes users required.
    expect(problems(edit('org: "60012345678"', 'org: "60012345678"\nstate: active', noUsers))).toEqual([`4:8: ${USERS_REQUIRED}`]);
    // users: [] is the explicit way to give nobody access.
    const nobody = desired(`${noUsers}users: []\n`);
    expect(nobody.users).toEqual([]);
    expect(nobody.warnings).toEqual([]);
  });

  it('needs no users when state is deactivated, or when state is not valid (that is the error then)', () => {
    const noUsers = edit('users:\n  - email: alice@acme.com\n', '');
    expect(desired(edit('org: "60012345678"', 'org: "60012345678"\nstate: deactivated', noUsers)).users).toEqual([]);
    expect(problems(edit('org: "60012345678"', 'org: "60012345678"\nstate: enabled', noUsers))).toEqual([
      '4:8: state must be one of active, deactivated (got "enabled")',
    ]);
  });

  it('says only the typo when users is misspelt, not that users is missing too', () => {
    expect(problems(edit('users:', 'Users:'))).toEqual([
      '10:1: unknown key "Users" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users); did you mean "users"?',
    ]);
    // Any other unknown key leaves the missing users to be said.
    expect(problems(edit('users:\n  - email: alice@acme.com\n', 'people: []\n'))).toEqual([
      `1:1: ${USERS_REQUIRED}`,
      '10:1: unknown key "people" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users)',
    ]);
  });

  it('warns, without failing, about portal/profiles/users under state: deactivated', () => {
    const d = desired(edit('org: "60012345678"', 'org: "60012345678"\nstate: deactivated'), 'examples/x.yaml');
    expect(d.state).toBe('deactivated');
    expect(d.statePos).toEqual({ line: 4, col: 8 });
    expect(d.portal).toBeUndefined();
    expect(d.users).toEqual([]);
    expect(d.profiles).toEqual({});
    expect(d.warnings).toEqual([
      'examples/x.yaml:5:1: portal is ignored because state is deactivated',
      'examples/x.yaml:9:1: profiles is ignored because state is deactivated',
      'examples/x.yaml:11:1: users is ignored because state is deactivated',
    ]);
  });

  it('accepts a bare deactivation with no warnings', () => {
    const d = desired('apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\nstate: deactivated\n');
    expect(d.warnings).toEqual([]);
  });
});

describe('parseManifest: ${NAME} references', () => {
  it('rejects a literal ZSC key', () => {
    expect(problems(edit('${ZPI_ZSC_KEY}', 'zsc-7001-secret'))).toEqual([
      '6:11: zscKey must be a reference like ${ZPI_ZSC_KEY}: never commit the key itself',
    ]);
    expect(problems(edit('${ZPI_ZSC_KEY}', 'x${ZPI_ZSC_KEY}'))).toEqual([
      '6:11: zscKey must be a reference like ${ZPI_ZSC_KEY}: never commit the key itself',
    ]);
    expect(problems(edit('${ZPI_ZSC_KEY}', '${A}${B}'))).toEqual([
      '6:11: zscKey must be a reference like ${ZPI_ZSC_KEY}: never commit the key itself',
    ]);
  });

  it('rejects malformed references anywhere', () => {
    expect(problems(edit('${ZPI_ZSC_KEY}', '"${}"'))).toEqual([
      '6:11: empty reference "${}": name an environment variable, like ${ZPI_ZSC_KEY}',
    ]);
    // In zscKey a malformed reference may hold the pasted key itself: nothing of it is repeated.
    const hidden = '6:11: zscKey must be a ${NAME} reference to an environment variable; the value given is not shown';
    expect(problems(edit('${ZPI_ZSC_KEY}', '${lower-case}'))).toEqual([hidden]);
    expect(problems(edit('${ZPI_ZSC_KEY}', '${ZPI_ZSC_KEY'))).toEqual([hidden]);
    expect(problems(edit('${ZPI_ZSC_KEY}', '${lower-case}', edit('name: acme-projects', 'name: ${lower-case}')))).toEqual([
      '5:9: invalid reference "${lower-case}": variable names are upper-case letters, digits and _ (like ${ZPI_ZSC_KEY})',
      hidden,
    ]);
    expect(problems(edit('name: acme-projects', 'name: ${PORTAL'))).toEqual([
      '5:9: unclosed reference "${PORTAL": add the closing } (like ${ZPI_ZSC_KEY})',
    ]);
    expect(problems(edit('owner@acme.com', '${owner}'))).toEqual([
      '7:13: invalid reference "${owner}": variable names are upper-case letters, digits and _ (like ${ZPI_ZSC_KEY})',
    ]);
    expect(problems(edit('  Standard:', '  "${}":'))).toEqual([
      '9:3: empty reference "${}": name an environment variable, like ${ZPI_ZSC_KEY}',
    ]);
  });

  it('rejects a well-formed reference outside zscKey: it would reach Zoho literally', () => {
    expect(problems(edit('name: acme-projects', 'name: ${PORTAL}'))).toEqual([
      '5:9: portal.name contains a ${…} reference: references are only allowed in portal.zscKey',
    ]);
  });

  it('tells what was meant when a variable is written $NAME, $(NAME) or %NAME%', () => {
    expect(problems(edit('${ZPI_ZSC_KEY}', '$ZPI_ZSC_KEY'))).toEqual([
      '6:11: zscKey "$ZPI_ZSC_KEY" looks like a variable reference: write ${ZPI_ZSC_KEY}',
    ]);
    expect(problems(edit('${ZPI_ZSC_KEY}', '"$(ACME_KEY_2)"'))).toEqual([
      '6:11: zscKey "$(ACME_KEY_2)" looks like a variable reference: write ${ACME_KEY_2}',
    ]);
    expect(problems(edit('${ZPI_ZSC_KEY}', "'%ZPI_ZSC_KEY%'"))).toEqual([
      '6:11: zscKey "%ZPI_ZSC_KEY%" looks like a variable reference: write ${ZPI_ZSC_KEY}',
    ]);
    expect(problems(edit('${ZPI_ZSC_KEY}', '$zpi_zsc_key'))).toEqual([
      '6:11: zscKey "$zpi_zsc_key" looks like a variable reference: write ${ZPI_ZSC_KEY} (zpi reads only upper-case variable names)',
    ]);
  });

  it('does not echo a $-prefixed value that may be the key itself', () => {
    const literal = '6:11: zscKey must be a reference like ${ZPI_ZSC_KEY}: never commit the key itself';
    // Mostly digits, too long, or not a name at all: treated as a literal key, and not repeated.
    for (const v of ['$a1b2c3d4e5f6', `$K${'x'.repeat(60)}`, '$7001-zsc-key', '$', '$ZPI ZSC KEY']) {
      const found = problems(edit('${ZPI_ZSC_KEY}', JSON.stringify(v)));
      expect(found, v).toEqual([literal]);
    }
  });

  it('keeps only the variable name, never a value', () => {
    expect(desired(edit('${ZPI_ZSC_KEY}', '${ACME_KEY_2}')).portal?.zscKeyVar).toBe('ACME_KEY_2');
  });
});
