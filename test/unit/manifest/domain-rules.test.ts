import { describe, expect, it } from 'vitest';
import { desired, edit, problems } from './helpers.js';

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
    expect(problems(noPortal)).toEqual(['1:1: portal is required when state is active']);
    expect(problems(`${noPortal}state: active\n`)).toEqual(['4:8: portal is required when state is active']);
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

  it('keeps only the variable name, never a value', () => {
    expect(desired(edit('${ZPI_ZSC_KEY}', '${ACME_KEY_2}')).portal?.zscKeyVar).toBe('ACME_KEY_2');
  });
});
