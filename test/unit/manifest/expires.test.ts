import { describe, expect, it } from 'vitest';
import { desired, edit, problems } from './helpers.js';

/** VALID with alice's entry given `expires: <value>` (line 12, the value at column 14). */
const expiring = (value: string): string => edit('  - email: alice@acme.com', `  - email: alice@acme.com\n    expires: ${value}`);

describe('parseManifest: expires on a user (DESIGN §2)', () => {
  it('accepts a YYYY-MM-DD date, quoted or not, and keeps it with its position', () => {
    for (const written of ['2027-01-31', '"2027-01-31"', "'2027-01-31'"]) {
      const d = desired(expiring(written));
      expect(d.users, written).toEqual([
        { email: 'alice@acme.com', expires: '2027-01-31', expiresPos: { line: 12, col: 14 }, pos: { line: 11, col: 5 } },
      ]);
    }
  });

  it('reads an unquoted date the same in a YAML 1.1 document, where YAML makes it a timestamp', () => {
    const d = desired(`%YAML 1.1\n---\n${expiring('2027-01-31')}`);
    expect(d.users[0]).toMatchObject({ expires: '2027-01-31', expiresPos: { line: 14, col: 14 } });
    // A timestamp with a time is still not a date.
    expect(problems(`%YAML 1.1\n---\n${expiring('2027-01-31T10:00:00Z')}`)).toEqual([
      '14:14: expires must be a date written YYYY-MM-DD, like 2027-01-31 (got "2027-01-31T10:00:00Z")',
    ]);
  });

  it('leaves expires out of Desired when it is not written, and keeps other users as they are', () => {
    const d = desired(expiring('2027-01-31').replace('users:\n', 'users:\n  - email: bob@acme.com\n'));
    expect(d.users[0]).toEqual({ email: 'bob@acme.com', pos: { line: 11, col: 5 } });
    expect(d.users[0]).not.toHaveProperty('expires');
    expect(d.users[0]).not.toHaveProperty('expiresPos');
    expect(d.users[1]).toMatchObject({ email: 'alice@acme.com', expires: '2027-01-31', expiresPos: { line: 13, col: 14 } });
  });

  it('accepts leap days only in leap years', () => {
    expect(desired(expiring('2028-02-29')).users[0]?.expires).toBe('2028-02-29');
    expect(desired(expiring('2000-02-29')).users[0]?.expires).toBe('2000-02-29');
    expect(problems(expiring('2100-02-29'))).toEqual(['12:14: expires "2100-02-29" is not a real date: February 2100 has 28 days']);
  });

  it('rejects a date that does not exist, saying why, at the value', () => {
    expect(problems(expiring('2027-02-30'))).toEqual(['12:14: expires "2027-02-30" is not a real date: February 2027 has 28 days']);
    expect(problems(expiring('"2027-04-31"'))).toEqual(['12:14: expires "2027-04-31" is not a real date: April 2027 has 30 days']);
    expect(problems(expiring('2027-13-01'))).toEqual(['12:14: expires "2027-13-01" is not a real date: there is no month 13 (months are 01 to 12)']);
    expect(problems(expiring('2027-00-10'))).toEqual(['12:14: expires "2027-00-10" is not a real date: there is no month 00 (months are 01 to 12)']);
    expect(problems(expiring('2027-01-00'))).toEqual(['12:14: expires "2027-01-00" is not a real date: there is no day 00 (days start at 01)']);
  });

  it('rejects anything not written YYYY-MM-DD, once, with the form expected', () => {
    const wrong = (got: string): string[] => [`12:14: expires must be a date written YYYY-MM-DD, like 2027-01-31 (got ${got})`];
    expect(problems(expiring('31/01/2027'))).toEqual(wrong('"31/01/2027"'));
    expect(problems(expiring('2027-1-31'))).toEqual(wrong('"2027-1-31"'));
    expect(problems(expiring('"2027-01-31 "'))).toEqual(wrong('"2027-01-31 "'));
    expect(problems(expiring('2027-01-31T00:00:00Z'))).toEqual(wrong('"2027-01-31T00:00:00Z"'));
    expect(problems(expiring('next year'))).toEqual(wrong('"next year"'));
    expect(problems(expiring('20270131'))).toEqual(wrong('the number 20270131'));
    expect(problems(expiring('[2027-01-31]'))).toEqual(wrong('a list'));
    // An empty value points at the key: there is no value to point at.
    expect(problems(expiring(''))).toEqual(['12:5: expires must be a date written YYYY-MM-DD, like 2027-01-31 (got an empty value)']);
  });

  it('is ignored with the other user fields when state is deactivated', () => {
    const d = desired(edit('org: "60012345678"', 'org: "60012345678"\nstate: deactivated', expiring('2027-01-31')));
    expect(d.users).toEqual([]);
    expect(d.warnings).toContain('m.yaml:11:1: users is ignored because state is deactivated');
  });
});
