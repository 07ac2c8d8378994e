/**
 * Files that are not manifests, given by mistake (`zpi validate .env`, `plan -f secrets.yaml`): the
 * messages say where and what kind of problem, and repeat nothing of the file, which may be all
 * secrets. Also: a key pasted into `${…}` of zscKey, and manifests saved as UTF-16.
 */
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../../src/manifest/decode-source.js';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';
import { VALID, desired, edit, problems } from './helpers.js';

const SECRET = 'abc123';

/** Every problem of `text`, checked to quote no line and no secret of it. */
function quietProblems(text: string): string[] {
  const found = problems(text);
  expect(found.length).toBeGreaterThan(0);
  for (const p of found) {
    expect(p).not.toContain(SECRET);
    for (const line of text.split('\n').filter((l) => l.trim().length > 3)) expect(p).not.toContain(line.trim());
  }
  return found;
}

describe('a file that is not a manifest: where and what, never its content', () => {
  it('a .env file (KEY=value lines: one YAML string)', () => {
    expect(quietProblems(`ZOHO_CLIENT_SECRET=${SECRET}\nZOHO_REFRESH_TOKEN=${SECRET}9\n`)).toEqual([
      '1:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got text; its content is not shown',
    ]);
    expect(quietProblems(`export ZOHO_CLIENT_SECRET=${SECRET}\n`)).toHaveLength(1);
  });

  it('a single value: a pasted key, a number, a boolean', () => {
    expect(quietProblems(`${SECRET}xyz\n`)).toEqual([
      '1:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got text; its content is not shown',
    ]);
    expect(quietProblems('123456789\n')).toEqual([
      '1:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got a number; its content is not shown',
    ]);
    expect(quietProblems('# a comment\ntrue\n')).toEqual([
      '2:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got a boolean; its content is not shown',
    ]);
  });

  it('a list of secrets: only that it is a list', () => {
    expect(quietProblems(`- ${SECRET}\n- \${${SECRET}}\n`)).toEqual(['1:1: the manifest must be a mapping of apiVersion, kind, org… (got a list)']);
  });

  it('a YAML mapping with none of the manifest keys (secrets.yaml, KEY=value: lines)', () => {
    const message = '1:1: not a zpi manifest: it has no apiVersion, kind, org, portal, profiles or users key at the top level; its content is not shown';
    expect(quietProblems(`ZOHO_CLIENT_SECRET: ${SECRET}\nZOHO_REFRESH_TOKEN: ${SECRET}\nZOHO_CLIENT_SECRET: again\n`)).toEqual([message]);
    expect(quietProblems(`KEY=${SECRET}: x\n`)).toEqual([message]);
    expect(quietProblems(`client:\n  secret: ${SECRET}\n  alias: *nope\n`)).toEqual([message]);
  });

  it('YAML syntax errors in such a file: the kind of error and its place only', () => {
    expect(quietProblems(`ZOHO_CLIENT_SECRET: ${SECRET}\nfoo bar baz\n`)).toEqual([
      '2:1: not a zpi manifest: invalid YAML: Implicit map keys need to be followed by map values; its content is not shown',
    ]);
    expect(quietProblems(`SECRET: "x\\q${SECRET}"\n`)).toEqual([
      '1:11: not a zpi manifest: invalid YAML: invalid escape sequence in a double-quoted string (write \\\\ for a backslash, or use single quotes); its content is not shown',
    ]);
    expect(quietProblems(`SECRET: !${SECRET} x\n`)).toEqual([
      '1:9: not a zpi manifest: unknown YAML tag: zpi manifests use no tags; its content is not shown',
    ]);
    expect(quietProblems(`%SECRET ${SECRET}\n---\nx: 1\n`)[0]).toMatch(/^1:1: not a zpi manifest: invalid YAML: unknown directive/);
  });

  it('a manifest keeps its precise messages, but yaml never quotes an escape or a long tag', () => {
    expect(problems(edit('  name: acme-projects', `  name: "x\\q${SECRET}"`))).toEqual([
      '5:11: invalid YAML: invalid escape sequence in a double-quoted string (write \\\\ for a backslash, or use single quotes)',
    ]);
    expect(problems(edit('name: acme-projects', `name: !${SECRET}${SECRET}${SECRET}${SECRET}${SECRET}${SECRET} x`))).toEqual([
      '5:9: unknown YAML tag: zpi manifests use no tags',
    ]);
    expect(problems(edit('name: acme-projects', 'name: !portal acme-projects'))).toEqual(['5:9: unknown YAML tag !portal: zpi manifests use no tags']);
  });
});

describe('a key pasted into ${…}', () => {
  const HIDDEN = '6:11: zscKey must be a ${NAME} reference to an environment variable; the value given is not shown';

  it('zscKey: however the reference is broken, nothing of it is repeated', () => {
    for (const value of [`\${1000.${SECRET}def456}`, `\${${SECRET}`, `"\${ ${SECRET} }"`, `\${zpi-${SECRET}}`, `\${ZPI_ZSC_KEY}\${${SECRET}}`]) {
      expect(problems(edit('${ZPI_ZSC_KEY}', value)), value).toEqual([HIDDEN]);
    }
    // A literal key keeps its own message, which quotes nothing either.
    expect(problems(edit('${ZPI_ZSC_KEY}', `${SECRET}def456`))).toEqual([
      '6:11: zscKey must be a reference like ${ZPI_ZSC_KEY}: never commit the key itself',
    ]);
  });

  it('another field: a misspelt name is repeated, anything key-like is not', () => {
    expect(problems(edit('owner@acme.com', `\${1000.${SECRET}def456}`))).toEqual([
      '7:13: invalid reference (the text given is not shown): variable names are upper-case letters, digits and _ (like ${ZPI_ZSC_KEY})',
    ]);
    expect(problems(edit('name: acme-projects', `name: \${${SECRET}0a9f8e7d`))).toEqual([
      '5:9: unclosed reference: add the closing } (like ${ZPI_ZSC_KEY})',
    ]);
    expect(problems(edit('owner@acme.com', '${owner}'))).toEqual([
      '7:13: invalid reference "${owner}": variable names are upper-case letters, digits and _ (like ${ZPI_ZSC_KEY})',
    ]);
  });
});

describe('UTF-16 and UTF-32 manifests', () => {
  const utf16be = (text: string): Buffer => {
    const le = Buffer.from(text, 'utf16le');
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
    return le;
  };
  const withBom = (bom: number[], body: Buffer): Uint8Array => Uint8Array.from([...bom, ...body]);

  it('decodes UTF-16 with a byte-order mark, LE and BE, to the same manifest as UTF-8', () => {
    const want = desired(VALID);
    for (const bytes of [withBom([0xff, 0xfe], Buffer.from(VALID, 'utf16le')), withBom([0xfe, 0xff], utf16be(VALID))]) {
      const got = desired(bytes);
      expect({ ...got, hash: '' }).toEqual({ ...want, hash: '' });
      expect(got.hash).not.toBe(want.hash); // the hash is of the file's bytes
    }
  });

  it('reports positions in the decoded text, CRLF line ends included', () => {
    const text = edit('org: "60012345678"', 'org: 60012345678').replace(/\n/g, '\r\n');
    expect(problems(withBom([0xff, 0xfe], Buffer.from(text, 'utf16le')))).toEqual([
      '3:6: org must be a string of digits (quote it: org: "60012345678")',
    ]);
  });

  it('names what it cannot read instead of calling it binary', () => {
    const utf32le = withBom([0xff, 0xfe, 0, 0], Buffer.from([...VALID].flatMap((c) => [c.charCodeAt(0), 0, 0, 0])));
    expect(problems(utf32le)).toEqual(['1:1: file is UTF-32LE text: save it as UTF-8 (a YAML manifest)']);
    expect(problems(Buffer.from(VALID, 'utf16le'))).toEqual([
      '1:1: file looks like UTF-16LE text without a byte-order mark: save it as UTF-8 (a YAML manifest)',
    ]);
    expect(problems(utf16be(VALID))).toEqual(['1:1: file looks like UTF-16BE text without a byte-order mark: save it as UTF-8 (a YAML manifest)']);
    // A lone high surrogate is not UTF-16 text; an odd byte count is cut short.
    expect(problems(withBom([0xff, 0xfe], Buffer.from([0x61, 0x00, 0x00, 0xd8, 0x62, 0x00])))).toEqual([
      '1:1: file is not valid UTF-16LE text (it starts with a UTF-16 byte-order mark): save it as UTF-8',
    ]);
    // A real binary stays "binary", and a UTF-16 file holding U+0000 too.
    expect(problems(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toEqual([
      '1:1: file is binary (it contains NUL bytes): expected a YAML manifest',
    ]);
    expect(problems(withBom([0xff, 0xfe], Buffer.from('org: "\u0000"', 'utf16le')))).toEqual([
      '1:1: file is binary (it contains NUL characters): expected a YAML manifest',
    ]);
  });

  it('decodeSource keeps the file bytes for the hash and drops only the mark', () => {
    const bytes = withBom([0xfe, 0xff], utf16be('a: 1\n'));
    expect(decodeSource(bytes)).toEqual({ text: 'a: 1\n', bytes });
    expect('desired' in parseManifest(withBom([0xef, 0xbb, 0xbf], Buffer.from(VALID)), 'm.yaml')).toBe(true);
  });
});
