import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';
import { arrayCopies } from '../../helpers/work.js';
import { VALID, edit, problems } from './helpers.js';

const BOMB = `apiVersion: zpi/v1
kind: ProjectsIntegration
org: "60012345678"
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
users: *i
`;

describe('parseManifest: hostile and broken input', () => {
  it('refuses an alias bomb fast, with a clear message', () => {
    // 9^9 values if expanded (it never would finish): refused where the 101st alias is met.
    expect(problems(BOMB)).toEqual(['6:8: more than 100 aliases: YAML alias bombs are refused']);
  });

  it('refuses a few aliases that expand to too much', () => {
    const big = `[${Array.from({ length: 3000 }, () => 'x').join(',')}]`;
    const text = `a: &a ${big}\nb: [${Array.from({ length: 10 }, () => '*a').join(',')}]\n`;
    // Refused where the expansion passes 10,000 values: inside the fourth *a (3,000 each), not after all ten.
    expect(problems(text)).toEqual(['2:14: aliases expand to more than 10000 values: YAML alias bombs are refused']);
  });

  it('refuses an alias that contains itself', () => {
    expect(problems('a: &a [1, *a]\n')).toEqual(['1:11: alias *a refers to a value that contains it']);
  });

  it('treats __proto__ and constructor as unknown keys and never touches Object.prototype', () => {
    const text = edit('users:', '__proto__: {polluted: true}\nconstructor: {prototype: {polluted: true}}\nusers:').replace(
      '  - email: alice@acme.com',
      '  - email: alice@acme.com\n    __proto__: {polluted: true}',
    );
    const found = problems(text);
    expect(found).toEqual([
      '10:1: unknown key "__proto__" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users)',
      '11:1: unknown key "constructor" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users)',
      '14:5: unknown key "__proto__" in user entry (expected one of: email, permissions, expires)',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps a profile named __proto__ as data', () => {
    const r = parseManifest(edit('  Standard:', '  __proto__:'), 'm.yaml');
    if (!('desired' in r)) throw new Error('expected a valid manifest');
    expect(Object.keys(r.desired.profiles)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(r.desired.profiles)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).permissions).toBeUndefined();
  });

  it('rejects duplicate keys, naming the first', () => {
    expect(problems(`${VALID}org: "1"\n`)).toEqual(['12:1: duplicate key "org" (first at line 3)']);
    expect(problems(edit('  name: acme-projects', '  name: a\n  name: b'))).toEqual([
      '6:3: duplicate key "name" (first at line 5)',
    ]);
  });

  it('rejects a second document', () => {
    expect(problems(`---\n${VALID}---\n${VALID}`)).toEqual([
      '13:1: expected one YAML document, found a second one here: a manifest describes one org',
    ]);
  });

  it('rejects an empty file or one with only comments', () => {
    const empty = '1:1: file is empty: expected a zpi/v1 manifest (apiVersion, kind, org…)';
    expect(problems('')).toEqual([empty]);
    expect(problems('# nothing here\n\n# yet\n')).toEqual([empty]);
    expect(problems('---\n')).toEqual([empty]);
    expect(problems('~\n')).toEqual([empty]);
  });

  it('reports the first YAML syntax error at its line and column', () => {
    expect(problems(edit('  name: acme-projects', '  name: acme: projects'))).toEqual([
      '5:9: invalid YAML: Nested mappings are not allowed in compact mappings',
    ]);
    expect(problems(edit('  name: acme-projects', '\tname: acme-projects'))).toEqual([
      '5:1: invalid YAML: Tabs are not allowed as indentation',
    ]);
    // yaml reports the end of the file; the start of the string is where the fix goes.
    expect(problems(edit('  name: acme-projects', '  name: "acme-projects'))).toEqual([
      '5:9: invalid YAML: this quoted string has no closing quote',
    ]);
  });

  it('reports an alias without an anchor where it is written', () => {
    expect(problems(edit('  name: acme-projects', '  name: *nope'))).toEqual(['5:9: alias *nope has no anchor &nope before it']);
  });

  it('rejects YAML tags', () => {
    expect(problems(edit('name: acme-projects', 'name: !portal acme-projects'))).toEqual([
      '5:9: unknown YAML tag !portal: zpi manifests use no tags',
    ]);
  });

  it('rejects keys that are not plain text', () => {
    expect(problems(edit('users:', '? [a, b]\n: 1\nusers:'))).toEqual([
      '10:3: mapping keys must be plain text, not a list, mapping or alias',
    ]);
  });

  it('rejects binary input and invalid UTF-8 at 1:1', () => {
    expect(problems(new Uint8Array([0x61, 0x3a, 0x00, 0x62]))).toEqual([
      '1:1: file is binary (it contains NUL bytes): expected a YAML manifest',
    ]);
    expect(problems(new Uint8Array([0x61, 0x3a, 0x20, 0xc3, 0x28]))).toEqual([
      '1:1: file is not valid UTF-8 text: expected a YAML manifest',
    ]);
    expect(problems('org: "\u0000"')).toEqual(['1:1: file is binary (it contains NUL bytes): expected a YAML manifest']);
  });

  it('rejects input over 5 MB at 1:1', () => {
    const big = `${VALID}# ${'x'.repeat(5 * 1024 * 1024)}\n`;
    expect(problems(big)).toEqual(['1:1: file is too large (5.0 MB): a manifest must be under 5 MB']);
  });

  it('reports tens of thousands of errors in linear time', () => {
    const bad = (n: number): string =>
      `${VALID}${Array.from({ length: n }, (_, i) => `  - email: user${i}@acme`).join('\n')}\n`.replace('users:\n  - email: alice@acme.com\n', 'users:\n');
    const full = arrayCopies(() => problems(bad(50_000)));
    expect(full.result).toHaveLength(50_000);
    expect(full.result[0]).toBe('11:12: email "user0@acme" is not an email address');
    // ajv's concat() of errors from referenced definitions made this quadratic (about 7 s here): every
    // bad user copied the whole list so far, 1.25 billion element copies for 50,000. Counted, not timed:
    // a few copies per error at most, and twice the users is twice the copies (give or take), not four
    // times.
    expect(full.copies).toBeLessThan(10 * 50_000);
    const [small, twice] = [5_000, 10_000].map((n) => arrayCopies(() => problems(bad(n))));
    expect(twice!.result).toHaveLength(10_000);
    expect(twice!.copies).toBeLessThan(2.5 * small!.copies);
  });

  it('survives absurd nesting', () => {
    // One problem at the 65th level, however deep it goes (20,000 levels would overflow the stack
    // of a walk that went on).
    expect(problems(`users: ${'['.repeat(20000)}${']'.repeat(20000)}\n`)).toEqual([
      expect.stringMatching(/nested too deeply/),
    ]);
    expect(problems(`users: ${'['.repeat(100)}${']'.repeat(100)}\n`)).toEqual([
      expect.stringMatching(/^1:\d+: nested too deeply \(over 64 levels\)/),
    ]);
  });
});
