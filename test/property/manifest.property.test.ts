/**
 * Property tests of the manifest loader (issue 7): whatever text or bytes it is given — random
 * YAML-ish text, random JSON values dumped as YAML, random mutations of valid manifests — it never
 * throws anything but ManifestError, never takes a second, and every problem it reports points at a
 * real place: line ≥ 1 and col ≥ 1 (and not past the end of the file).
 *
 * Counts are kept modest so the whole suite stays fast; `FC_RUNS=N` scales every property up for a
 * local hunt (e.g. `FC_RUNS=20000 npx vitest run test/property/manifest`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadManifest } from '../../src/manifest/load-manifest.js';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { ManifestError, type Problem } from '../../src/model/errors.js';
import { ROOT } from '../e2e/harness.js';
import { VALID } from '../unit/manifest/helpers.js';

const SCALE = Number(process.env.FC_RUNS ?? 0) || 1;
const runs = (n: number): number => (process.env.FC_RUNS ? SCALE : n);

/** Every valid manifest the repo ships: the examples, the default manifest and the unit tests' base. */
const BASES: string[] = [
  VALID,
  readFileSync(join(ROOT, 'integration.yaml'), 'utf8'),
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8')),
];

const FILE = 'prop.yaml';

/** Lines a position may point at: every line break YAML knows, plus one past the end (an EOF error). */
function maxLine(input: string | Uint8Array): number {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  return text.split(/\r\n|\r|\n/).length + 1;
}

function checkProblems(problems: Problem[], input: string | Uint8Array): void {
  expect(problems.length).toBeGreaterThan(0);
  const last = maxLine(input);
  for (const p of problems) {
    expect(p.file).toBe(FILE);
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= last, `line ${p.line} of ${last}: ${p.message}`).toBe(true);
    expect(Number.isInteger(p.col) && p.col >= 1, `col ${p.col}: ${p.message}`).toBe(true);
    expect(typeof p.message).toBe('string');
    expect(p.message.trim()).not.toBe('');
    // One problem is one printable line: user input with line breaks or escapes is shown escaped.
    expect(p.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  }
}

/** parseManifest's contract on any input: no throw, a Desired or located problems. */
function checkParse(input: string | Uint8Array): void {
  let result: ReturnType<typeof parseManifest>;
  try {
    result = parseManifest(input, FILE);
  } catch (err) {
    throw new Error(`parseManifest threw ${String(err)} for ${JSON.stringify(typeof input === 'string' ? input : [...input])}`);
  }
  if ('problems' in result) checkProblems(result.problems, input);
  else expect(result.desired.file).toBe(FILE);
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Fragments that mean something to YAML or to the manifest's schema, to build YAML-ish text from. */
const TOKENS = [
  'apiVersion', 'kind', 'org', 'dc', 'state', 'portal', 'name', 'id', 'zscKey', 'zscEmail', 'profiles', 'users',
  'email', 'permissions', 'expires', '2027-01-31', '2027-02-30', '$ZPI_ZSC_KEY', '%YAML 1.1\n', 'zpi/v1', 'ProjectsIntegration', '"60012345678"', 'active', 'deactivated', 'view', 'create',
  'edit', 'delete', 'alice@acme.com', '${ZPI_ZSC_KEY}', '${', '$', '}', ':', ': ', '- ', '-', '[', ']', '{', '}',
  ',', '"', "'", '&a ', '*a', '&b ', '*b', '<<: *a', '!!str ', '!!map', '!tag ', '!', '|', '|-', '>', '>+', '# c',
  '#', '\n', '\n', '\n', '  ', '  ', '    ', '\t', '\r\n', '\r', '---', '...', '--- |', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n',
  '? ', '~', 'null', 'true', 'no', '1e9', '0x1F', '.nan', '-.inf', '2001-12-14', '@', '`', '\\', '\\u', '"\\x', '\u2028',
  '\u0085', '\ufeff', '\u00a0', '\u200b', 'é', '😀', '__proto__', 'constructor',
];

const yamlish: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), {
    maxLength: 120,
  })
  .map((parts) => parts.join(''));

/** Any text at all, including lone surrogates and control characters. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 }),
);

const anyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  // Mostly-text bytes with a stray invalid sequence, NUL, BOM or UTF-16 mark here and there.
  fc
    .tuple(fc.constantFrom(...BASES), fc.array(fc.tuple(fc.nat(), fc.constantFrom([0xc3, 0x28], [0], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0x80], [0xf4, 0x90, 0x80, 0x80])), { maxLength: 3 }))
    .map(([base, hits]) => {
      const bytes = [...Buffer.from(base)];
      for (const [at, seq] of hits) bytes.splice(at % (bytes.length + 1), 0, ...seq);
      return Uint8Array.from(bytes);
    }),
);

/** Random JSON values, dumped as YAML on their own or under a manifest key. */
const jsonAsYaml: fc.Arbitrary<string> = fc
  .tuple(fc.jsonValue({ maxDepth: 4 }), fc.option(fc.constantFrom('users', 'profiles', 'portal', 'org', 'state', 'apiVersion', 'x')))
  .map(([value, key]) => stringifyYaml(key === null ? value : { apiVersion: 'zpi/v1', kind: 'ProjectsIntegration', [key]: value }));

type Path = (string | number)[];

/** Every path into a parsed manifest (objects and arrays), the root included. */
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function parentOf(root: unknown, path: Path): { parent: any; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let parent: any = root;
  for (const k of path.slice(0, -1)) parent = parent[k];
  return { parent, key: path[path.length - 1]! };
}

const odd = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>('', ' ', '${}', '${ZPI_ZSC_KEY', 'literal-zsc-key', 'not an email', 'VIEW', ['view', 'view'], ['edit'], [], {}, -1, 1e300, true, null),
);

/** A structural mutation of a parsed valid manifest, dumped back to YAML. */
const treeMutation: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...BASES),
    fc.array(fc.tuple(fc.constantFrom('delete', 'rename', 'swap', 'dup', 'wrap'), fc.nat(), odd, fc.string({ maxLength: 12 })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([base, ops]) => {
    const root = parseYaml(base) as Record<string, unknown>;
    for (const [op, pick, value, name] of ops) {
      const all = paths(root).filter((p) => p.length > 0);
      if (all.length === 0) break;
      const target = parentOf(root, all[pick % all.length]!);
      if (!target) continue;
      const { parent, key } = target;
      if (op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else if (op === 'rename' && !Array.isArray(parent)) {
        // A near-miss typo half the time, anything at all otherwise.
        const renamed = name.length % 2 === 0 ? `${String(key).slice(0, -1)}${String(key).slice(-1).toUpperCase()}x` : name;
        const v = parent[key];
        delete parent[key];
        parent[renamed] = v;
      } else if (op === 'swap') {
        // A copy: `odd`'s constants ({}, []) are shared between runs, and one swapped in twice could
        // end up inside itself (a cycle no YAML file can hold) or carry keys from an earlier run.
        parent[key] = structuredClone(value);
      } else if (op === 'dup' && Array.isArray(parent)) {
        parent.splice(Number(key), 0, structuredClone(parent[Number(key)]));
      } else if (op === 'wrap') {
        parent[key] = [parent[key]];
      }
    }
    return stringifyYaml(root);
  });

const GARBAGE = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('org: "1"\n', 'users:\n', '  - email: alice@acme.com\n', '    expires: 2027-01-31\n', 'x: &x [*x]\n', '&anchor ', '*anchor', '*nope', '{', '[[[', '"'),
);

/** A textual mutation of a valid manifest: what an editor, a merge or a bad paste does to a file. */
const textMutation: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...BASES),
    fc.array(
      fc.tuple(fc.constantFrom('truncate', 'insert', 'deleteLine', 'dupLine', 'swapLines', 'indent', 'dedent', 'anchor', 'replaceChar', 'crlf'), fc.nat(), fc.nat(), GARBAGE),
      { minLength: 1, maxLength: 5 },
    ),
  )
  .map(([base, ops]) => {
    let text = base;
    for (const [op, a, b, junk] of ops) {
      const lines = text.split('\n');
      const i = a % lines.length;
      const j = b % lines.length;
      switch (op) {
        case 'truncate':
          text = text.slice(0, a % (text.length + 1));
          break;
        case 'insert': {
          const at = a % (text.length + 1);
          text = text.slice(0, at) + junk + text.slice(at);
          break;
        }
        case 'deleteLine':
          lines.splice(i, 1);
          text = lines.join('\n');
          break;
        case 'dupLine': // duplicate keys, or a user listed twice
          lines.splice(j, 0, lines[i]!);
          text = lines.join('\n');
          break;
        case 'swapLines':
          [lines[i], lines[j]] = [lines[j]!, lines[i]!];
          text = lines.join('\n');
          break;
        case 'indent':
          lines[i] = ' '.repeat((b % 5) + 1) + lines[i];
          text = lines.join('\n');
          break;
        case 'dedent':
          lines[i] = lines[i]!.trimStart();
          text = lines.join('\n');
          break;
        case 'anchor': {
          // Anchor one value and alias it from another line: legal YAML, rarely a legal manifest.
          const m = /:\s+(\S.*)$/.exec(lines[i]!);
          if (m) lines[i] = lines[i]!.replace(m[1]!, `&a${b % 3} ${m[1]}`);
          const n = /:\s+(\S.*)$/.exec(lines[j]!);
          if (n) lines[j] = lines[j]!.replace(n[1]!, `*a${a % 3}`);
          text = lines.join('\n');
          break;
        }
        case 'replaceChar': {
          const at = a % Math.max(1, text.length);
          text = text.slice(0, at) + (junk[0] ?? '') + text.slice(at + 1);
          break;
        }
        case 'crlf':
          text = text.replace(/\n/g, b % 2 ? '\r\n' : '\r');
          break;
      }
    }
    return text;
  });

// ---------------------------------------------------------------------------------------------

describe('manifest loader (property): hostile and random input', () => {
  it('random YAML-ish text', () => {
    fc.assert(fc.property(yamlish, checkParse), { numRuns: runs(1500) });
  });

  it('random text: any code point, lone surrogates, control characters', () => {
    fc.assert(fc.property(anyText, checkParse), { numRuns: runs(500) });
  });

  it('random bytes: invalid UTF-8, NUL, BOMs', () => {
    fc.assert(fc.property(anyBytes, checkParse), { numRuns: runs(400) });
  });

  it('random JSON values dumped to YAML', () => {
    fc.assert(fc.property(jsonAsYaml, checkParse), { numRuns: runs(500) });
  });

  it('structural mutations of valid manifests: delete/rename keys, swap types, duplicate entries', () => {
    fc.assert(fc.property(treeMutation, checkParse), { numRuns: runs(800) });
  });

  it('textual mutations of valid manifests: truncate, garbage, duplicate keys, aliases, indentation', () => {
    fc.assert(fc.property(textMutation, checkParse), { numRuns: runs(1500) });
  });

  it('found by these properties: a bare CR or an ESC in a key or value is shown escaped, never raw', () => {
    const r = parseManifest('\rpiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "1"\n\u001b[2Jx: 1\n', FILE);
    const messages = 'problems' in r ? r.problems.map((p) => p.message) : [];
    expect(messages).toContain('unknown key "\\rpiVersion" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users); did you mean "apiVersion"?');
    expect(messages).toContain('unknown key "\\u001b[2Jx" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users)');
  });

  it('expires: a YYYY-MM-DD date is accepted exactly when the day exists (the calendar is the oracle)', () => {
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 32 }), fc.boolean(), (y, m, d, quote) => {
        const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        const day = new Date(0);
        day.setUTCFullYear(y, m - 1, d);
        const exists = m >= 1 && d >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
        const text = VALID.replace('  - email: alice@acme.com\n', `  - email: alice@acme.com\n    expires: ${quote ? `"${date}"` : date}\n`);
        const r = parseManifest(text, FILE);
        if (exists) {
          expect('desired' in r && r.desired.users[0]?.expires, date).toBe(date);
        } else {
          expect('problems' in r && r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`), date).toEqual([
            expect.stringMatching(new RegExp(`^12:14: expires "${date}" is not a real date: `)),
          ]);
        }
      }),
      { numRuns: runs(1000) },
    );
  });

  it('every active base needs its users key: without it one located problem, with users: [] valid', () => {
    let active = 0;
    for (const base of BASES) {
      const d = parseManifest(base, FILE);
      if (!('desired' in d) || d.desired.state !== 'active') continue;
      active++;
      const withoutUsers = base.replace(/^users:[\s\S]*$/m, '');
      const r = parseManifest(withoutUsers, FILE);
      expect('problems' in r && r.problems.map((p) => p.message), base.slice(0, 80)).toEqual([
        'users is required when state is active: list the users who get access, or write users: [] to give nobody access',
      ]);
      expect('desired' in parseManifest(`${withoutUsers}users: []\n`, FILE)).toBe(true);
    }
    expect(active).toBeGreaterThanOrEqual(BASES.length - 1); // all but examples/deactivate.yaml
  });

  it('the bases themselves are valid (so mutations start from something real)', () => {
    for (const base of BASES) expect('desired' in parseManifest(base, FILE), base.slice(0, 80)).toBe(true);
  });
});

describe('loadManifest (property): the file edge throws ManifestError only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-prop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  it('for any bytes on disk: a Desired, or a ManifestError whose problems are all located', () => {
    const input = fc.oneof(
      yamlish.map((t) => Buffer.from(t)),
      textMutation.map((t) => Buffer.from(t)),
      treeMutation.map((t) => Buffer.from(t)),
      anyBytes,
    );
    fc.assert(
      fc.property(input, (bytes) => {
        const path = join(dir, `m${n++}.yaml`);
        writeFileSync(path, bytes);
        try {
          const desired = loadManifest(path);
          expect(desired.file).toBe(path);
        } catch (err) {
          if (!(err instanceof ManifestError)) throw new Error(`loadManifest threw ${String(err)} (not a ManifestError)`);
          expect(err.problems.length).toBeGreaterThan(0);
          checkProblems(
            err.problems.map((p) => ({ ...p, file: p.file === path ? FILE : p.file })),
            bytes,
          );
        } finally {
          rmSync(path, { force: true });
        }
      }),
      { numRuns: runs(300) },
    );
  });
});
