/**
 * readPlanFile / parsePlanFile against hostile plan files: prototype keys, step kinds named after
 * Object.prototype members, nulls and wrong types everywhere, JSON nested 100,000 levels deep, a
 * 300 MB (sparse) file, a FIFO, a directory, a missing file, and arbitrary JSON (fast-check). Whatever
 * the file holds or is, the only thing thrown is a UserError whose message is one printable line
 * (the CLI prints it as one `error:` line); never a RangeError, a TypeError or a hang.
 *
 * `FC_RUNS=N` scales the properties up for a local hunt.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model/errors.js';
import type { Plan } from '../../../src/model/plan.js';
import { parsePlanFile, readPlanFile } from '../../../src/run/plan-file.js';
import { renderJson, renderMarkdown, renderText } from '../../../src/render/index.js';
import { plan } from '../../../src/plan/index.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';
import { opensOf } from '../../helpers/opens.js';
import { changePlan, deactivatePlan, swapPlan } from '../../helpers/plans.js';

const runs = (n: number): number => Number(process.env.FC_RUNS ?? 0) || n;

type Json = Record<string, any>;

/**
 * A valid saved plan holding every step kind, as renderJson writes it: the swap plan's steps, then
 * the other kinds from a change plan, a first setup and a deactivation (parsePlanFile checks each
 * step's shape, not whether the steps make sense together).
 */
function allKindsPlan(): Plan {
  const p = swapPlan();
  const setup = plan(desired({ users: ['alice@acme.com'] }), liveOrg({ users: ['alice@acme.com'], integration: 'inactive' }), planCtx());
  const extra = [...changePlan().steps, ...setup.steps, ...deactivatePlan().steps];
  for (const s of extra) if (!p.steps.some((x) => x.kind === s.kind)) p.steps.push(s);
  return p;
}
const BASE_TEXT = renderJson(allKindsPlan());
const base = (): Json => JSON.parse(BASE_TEXT) as Json;

/** C0 and C1 controls, DEL and the Unicode line/paragraph separators: none may reach the terminal raw. */
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** `text` with every character NOT_ONE_LINE matches written as \uXXXX, for failure messages. */
const shown = (text: string): string =>
  text.slice(0, 300).replace(new RegExp(NOT_ONE_LINE.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** What `fn` threw, which must be a UserError with a one-line, printable message. */
function userError(fn: () => unknown): UserError {
  let thrown: unknown;
  let returned = false;
  try {
    fn();
    returned = true;
  } catch (err) {
    thrown = err;
  }
  expect(returned, 'expected a UserError, but it returned').toBe(false);
  expect(thrown, `threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message.slice(0, 200)}` : String(thrown)}`).toBeInstanceOf(UserError);
  const message = (thrown as UserError).message;
  expect(message.trim()).not.toBe('');
  expect(message, shown(message)).not.toMatch(NOT_ONE_LINE);
  return thrown as UserError;
}

/** parsePlanFile's contract on any text: a plan, or a UserError with a one-line message. */
function returnsOrUserError(text: string): void {
  try {
    // What reads, `zpi show` renders: a plan that passes the schema must render in every format.
    const read = parsePlanFile(text, 'plan.json');
    renderText(read, { color: false });
    renderMarkdown(read);
    renderJson(read);
  } catch (err) {
    if (!(err instanceof UserError)) {
      throw new Error(`reading or rendering threw ${String(err)} for ${text.slice(0, 500)}`);
    }
    expect(err.message, shown(err.message)).not.toMatch(NOT_ONE_LINE);
  }
}

const parse = (doc: unknown): Plan => parsePlanFile(typeof doc === 'string' ? doc : JSON.stringify(doc), 'plan.json');

describe('parsePlanFile: the base plan', () => {
  it('reads the valid base plan (so every failure below is the edit, not the base)', () => {
    const read = parse(BASE_TEXT);
    expect(new Set(read.steps.map((s) => s.kind))).toEqual(
      new Set(['deactivate', 'associate-portal', 'change-portal', 'set-profile-permissions', 'grant-user', 'set-user-permissions', 'revoke-user']),
    );
  });
});

describe('parsePlanFile: prototype keys', () => {
  it('a top-level "__proto__" holding a whole valid plan is not read as the plan', () => {
    const text = `{"__proto__": ${BASE_TEXT}}`;
    const err = userError(() => parse(text));
    expect(err.message).toMatch(/it has no formatVersion/);
    expect(({} as Json).formatVersion).toBeUndefined();
  });

  it('a top-level "__proto__" next to the real fields neither pollutes Object.prototype nor breaks reading', () => {
    const text = BASE_TEXT.replace(/^\{/, '{"__proto__": {"polluted": true, "steps": "x", "formatVersion": 2},');
    const read = parse(text) as unknown as Json;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Array.isArray(read.steps)).toBe(true);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('a "__proto__" inside a step does not stand in for the fields the step lacks', () => {
    const doc = base();
    const i = (doc.steps as Json[]).findIndex((s) => s.kind === 'grant-user');
    const { user, ...rest } = doc.steps[i] as Json;
    doc.steps[i] = rest;
    const stepText = JSON.stringify(doc.steps[i]).replace(/^\{/, `{"__proto__": {"user": ${JSON.stringify(user)}, "polluted": true},`);
    const text = JSON.stringify({ ...doc, steps: '@@STEPS@@' }).replace(
      '"@@STEPS@@"',
      `[${(doc.steps as Json[]).map((s, j) => (j === i ? stepText : JSON.stringify(s))).join(',')}]`,
    );
    const err = userError(() => parse(text));
    expect(err.message).toContain(`steps[${i}].user must be present for a grant-user step`);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('a "__proto__" key inside an otherwise valid step is harmless', () => {
    const text = BASE_TEXT.replace('"steps": [\n    {', '"steps": [\n    {"__proto__": {"kind": "deactivate", "destructive": true},');
    expect(text).not.toBe(BASE_TEXT);
    const read = parse(text);
    expect(Object.getPrototypeOf(read.steps[0])).toBe(Object.prototype);
    expect(read.steps[0]?.kind).toBe(base().steps[0].kind);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'])(
    'a step of kind %j is refused, naming the path',
    (kind) => {
      const doc = base();
      doc.steps[1].kind = kind;
      const err = userError(() => parse(doc));
      expect(err.message).toContain('steps[1].kind must be deactivate | associate-portal');
    },
  );

  it('a step action named after an Object.prototype member is refused', () => {
    const doc = base();
    doc.steps[0].action = 'constructor';
    expect(userError(() => parse(doc)).message).toContain('steps[0].action must be create | update | delete | replace');
  });
});

describe('parsePlanFile: nulls in every position', () => {
  it('null as the whole document', () => {
    expect(userError(() => parse('null')).message).toBe('plan.json: not a zpi plan file: expected a JSON object');
  });

  it.each([
    ['steps: [null]', (d: Json) => (d.steps = [null]), 'steps[0] must be an object'],
    ['target: null', (d: Json) => (d.target = null), 'target must be an object'],
    ['options: null', (d: Json) => (d.options = null), 'options must be an object'],
    ['manifest: null', (d: Json) => (d.manifest = null), 'manifest must be an object'],
    ['target.org: null', (d: Json) => (d.target.org = null), 'target.org must be an object'],
    ['summary: null', (d: Json) => (d.summary = null), 'summary must be an object'],
    ['steps: null', (d: Json) => (d.steps = null), 'steps must be an array'],
    ['formatVersion: null', (d: Json) => (d.formatVersion = null), 'its formatVersion is null'],
  ] as [string, (d: Json) => void, string][])('%s', (_name, edit, message) => {
    const doc = base();
    edit(doc);
    expect(userError(() => parse(doc)).message).toContain(message);
  });

  it('every top-level field set to null: refused (brake alone may be null)', () => {
    for (const key of Object.keys(base())) {
      const doc = base();
      doc[key] = null;
      if (key === 'brake') expect(() => parse(doc)).not.toThrow();
      else if (key === 'liveSections') returnsOrUserError(JSON.stringify(doc));
      else userError(() => parse(doc));
    }
  });

  it('every field of every step set to null: a plan or a UserError, never a crash', () => {
    const steps = base().steps as Json[];
    steps.forEach((step, i) => {
      for (const key of Object.keys(step)) {
        const doc = base();
        doc.steps[i][key] = null;
        if (['id', 'kind', 'action', 'target', 'destructive', 'manual'].includes(key)) {
          expect(userError(() => parse(doc)).message).toContain(`steps[${i}].${key} must be`);
        } else {
          returnsOrUserError(JSON.stringify(doc));
        }
      }
    });
  });

  it('nulls at every depth of the plan, one at a time: a plan or a UserError', () => {
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (path.length > 0) paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(base(), []);
    expect(paths.length).toBeGreaterThan(50);
    for (const path of paths) {
      const doc = base();
      let at: any = doc;
      for (const k of path.slice(0, -1)) at = at[k];
      at[path.at(-1) as string] = null;
      returnsOrUserError(JSON.stringify(doc));
    }
  });
});

describe('parsePlanFile: wrong types', () => {
  it.each([
    ['steps as a string', (d: Json) => (d.steps = 'revoke everyone'), 'steps must be an array'],
    ['steps as an object', (d: Json) => (d.steps = { 0: d.steps[0], length: 1 }), 'steps must be an array'],
    ['steps as a number', (d: Json) => (d.steps = 7), 'steps must be an array'],
    ['a step as an array', (d: Json) => (d.steps[0] = [d.steps[0]]), 'steps[0] must be an object'],
    ['a step as a string', (d: Json) => (d.steps[0] = 'grant-user:mallory@acme.com'), 'steps[0] must be an object'],
    ['destructive as a string', (d: Json) => (d.steps[0].destructive = 'false'), 'steps[0].destructive must be true or false'],
    ['options.allowDestructive as a string', (d: Json) => (d.options.allowDestructive = 'yes'), 'options.allowDestructive must be true or false'],
    ['options.maxRevokePct as a string', (d: Json) => (d.options.maxRevokePct = '100'), 'options.maxRevokePct must be a number'],
    ['warnings holding a number', (d: Json) => (d.warnings = [1]), 'warnings[0] must be a string'],
    ['the endpoint kind unknown', (d: Json) => (d.target.endpointKind = 'constructor'), 'target.endpointKind must be sandbox | zoho | custom'],
  ] as [string, (d: Json) => void, string][])('%s', (_name, edit, message) => {
    const doc = base();
    edit(doc);
    expect(userError(() => parse(doc)).message).toContain(message);
  });

  it.each([
    ['"1"', '"1"'],
    ['1.5', '1.5'],
    ['true', 'true'],
    ['[1]', '[1]'],
    ['{"v":1}', '{"v":1}'],
  ])('formatVersion %s is refused, naming what it is', (value, quoted) => {
    const text = BASE_TEXT.replace('"formatVersion": 1,', `"formatVersion": ${value},`);
    expect(userError(() => parse(text)).message).toContain(`its formatVersion is ${quoted}, and this zpi reads formatVersion 1`);
  });

  it.each(['[]', '"plan"', '42', 'true', '""', '', ' ', '\uFEFF{}', '{"formatVersion": 1', '{} {}'])('the document %j is refused', (text) => {
    userError(() => parse(text));
  });

  it.each([
    ['U+2028 line separator', '1\u2028x'],
    ['U+2029 paragraph separator', '1\u2029x'],
    ['U+0085 next line (C1)', '1\u0085x'],
    ['U+009B CSI (C1)', '1\u009b2Jx'],
    ['U+007F DEL', '1\u007fx'],
    ['LF, CR and ESC', '1\n\r\u001b[2Jx'],
  ])('a formatVersion holding %s is quoted as one printable line', (_name, odd) => {
    const doc = base();
    doc.formatVersion = odd;
    const err = userError(() => parse(doc));
    expect(err.message).toMatch(/its formatVersion is /);
  });
});

describe('parsePlanFile: deep nesting', () => {
  const N = 100_000;
  const deepArrays = '['.repeat(N) + ']'.repeat(N);
  const deepObjects = '{"a":'.repeat(N) + '1' + '}'.repeat(N);

  it.each([
    ['arrays', deepArrays],
    ['objects', deepObjects],
  ])('JSON %s nested 100,000 levels deep as a step field: UserError, not RangeError', (_name, deep) => {
    const text = BASE_TEXT.replace('"steps": [\n    {', `"steps": [\n    {"deep": ${deep},`);
    expect(text).not.toBe(BASE_TEXT);
    const err = userError(() => parse(text));
    expect(err.message).toMatch(/nested more than \d+ levels deep/);
  });

  it.each([
    ['arrays', deepArrays],
    ['objects', deepObjects],
  ])('JSON %s nested 100,000 levels deep as a step, as the steps and as the whole document', (_name, deep) => {
    userError(() => parse(BASE_TEXT.replace('"steps": [', `"steps": [${deep},`)));
    userError(() => parse(BASE_TEXT.replace(/"steps": \[[\s\S]*?\n {2}\],/, `"steps": ${deep},`)));
    userError(() => parse(deep));
    userError(() => parse(`{"formatVersion": 1, "x": ${deep}}`));
  });

  it('unbalanced deep nesting (no closing brackets) is invalid JSON, not a crash', () => {
    userError(() => parse('['.repeat(N)));
    userError(() => parse(BASE_TEXT.replace('"steps": [', `"steps": [${'{"a":'.repeat(N)}`)));
  });
});

describe('readPlanFile: what the file is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-plan-hostile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a valid plan file (the base)', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, BASE_TEXT);
    expect(readPlanFile(file).steps.length).toBe(base().steps.length);
    // opensOf (below) sees the read a regular file gets.
    expect(opensOf(file, () => readPlanFile(file)).opened).toEqual(['readFileSync']);
  });

  it('a 300 MB file (sparse: nothing written) is refused for its size, without reading it', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, '');
    truncateSync(file, 300 * 1024 * 1024);
    const { result: err, opened } = opensOf(file, () => userError(() => readPlanFile(file)));
    expect(opened).toEqual([]);
    expect(err.message).toBe(`${file}: not a zpi plan file: ${300 * 1024 * 1024} bytes is far too large for one`);
  });

  it.skipIf(process.platform !== 'linux')('a FIFO is refused as not a regular file, at once, without opening it', async () => {
    const fifo = join(dir, 'plan.fifo');
    execFileSync('mkfifo', [fifo]);
    // A hang-breaker: should readPlanFile open the FIFO (and block), this writer's open lets it go on.
    const writer = spawn(process.execPath, ['-e', `require('node:fs').writeFileSync(${JSON.stringify(fifo)}, '')`], { stdio: 'ignore' });
    try {
      // Had it opened the FIFO, it would have read the writer's empty text: a JSON error, not this.
      const { result: err, opened } = opensOf(fifo, () => userError(() => readPlanFile(fifo)));
      expect(opened).toEqual([]);
      expect(err.message).toBe(`cannot read plan file ${fifo}: not a regular file`);
    } finally {
      writer.kill();
      await new Promise((resolve) => (writer.exitCode !== null || writer.signalCode !== null ? resolve(null) : writer.on('exit', resolve)));
    }
  });

  it.skipIf(process.platform !== 'linux')('a character device (/dev/zero) is refused as not a regular file', () => {
    expect(userError(() => readPlanFile('/dev/zero')).message).toBe('cannot read plan file /dev/zero: not a regular file');
  });

  it('a directory', () => {
    const sub = join(dir, 'plans');
    mkdirSync(sub);
    expect(userError(() => readPlanFile(sub)).message).toBe(`cannot read plan file ${sub}: it is a directory`);
  });

  it('a missing file', () => {
    const file = join(dir, 'nope.json');
    expect(userError(() => readPlanFile(file)).message).toBe(`cannot read plan file ${file}: no such file`);
  });

  it('a path through a file, and a symlink loop', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, BASE_TEXT);
    expect(userError(() => readPlanFile(join(file, 'plan.json'))).message).toBe(
      `cannot read plan file ${join(file, 'plan.json')}: a part of the path is not a directory`,
    );
    const loop = join(dir, 'loop.json');
    symlinkSync(loop, loop);
    expect(userError(() => readPlanFile(loop)).message).toBe(`cannot read plan file ${loop}: too many symbolic links`);
  });

  it('an empty file, and one that is not JSON at all', () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    userError(() => readPlanFile(empty));
    const binary = join(dir, 'binary.json');
    writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0x80]));
    userError(() => readPlanFile(binary));
  });

  it('a file with hostile content is refused as the content, naming the file', () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, BASE_TEXT.replace('"steps": [\n    {', `"steps": [\n    {"deep": ${'['.repeat(1e5)}${']'.repeat(1e5)},`));
    expect(userError(() => readPlanFile(file)).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a zpi plan file: nested`));
  });
});

describe('parsePlanFile: a file far larger in shape than any plan', () => {
  it('is refused from its shape before it is parsed (millions of tiny objects cost gigabytes to parse)', () => {
    const text = `{"formatVersion":1,"steps":[${'{},'.repeat(4_000_001)}{}]}`;
    const err = userError(() => parsePlanFile(text, 'plan.json'));
    expect(err.message).toBe('plan.json: not a zpi plan file: more than 4,000,000 objects and lists, far more than a plan holds');
  });

  it('counts no bracket inside a string', () => {
    const doc = JSON.parse(renderJson(swapPlan())) as Record<string, unknown>;
    doc.warnings = ['{'.repeat(100_000)];
    expect(() => parsePlanFile(JSON.stringify(doc), 'plan.json')).not.toThrow();
  });
});

describe('parsePlanFile: arbitrary JSON (property)', () => {
  const json = fc.jsonValue({ maxDepth: 6 });
  const fullUnicode = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

  it('as the whole document: a plan or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(json, fullUnicode), (v) => returnsOrUserError(JSON.stringify(v) ?? 'null')),
      { numRuns: runs(500) },
    );
  });

  it('merged into a formatVersion-1 document: a plan or a UserError', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...Object.keys(base()), '__proto__', 'constructor'), fc.oneof(json, fullUnicode)), (extra) => {
        const doc = { ...base(), ...extra, formatVersion: 1 };
        returnsOrUserError(JSON.stringify(doc));
      }),
      { numRuns: runs(500) },
    );
  });

  it('as a single step inside an otherwise valid saved plan: a plan or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(json, fullUnicode), fc.nat(), fc.boolean(), (v, at, replace) => {
        const doc = base();
        const i = at % doc.steps.length;
        if (replace) doc.steps[i] = v;
        else doc.steps = [v];
        returnsOrUserError(JSON.stringify(doc));
      }),
      { numRuns: runs(500) },
    );
  });

  it('as any one field of a valid step: a plan or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(json, fullUnicode), fc.nat(), fc.nat(), (v, at, key) => {
        const doc = base();
        const step = doc.steps[at % doc.steps.length] as Json;
        const keys = [...Object.keys(step), '__proto__', 'constructor', 'toString'];
        // An own property even for "__proto__" (plain assignment would set the prototype instead).
        Object.defineProperty(step, keys[key % keys.length] as string, { value: v, enumerable: true, writable: true, configurable: true });
        returnsOrUserError(JSON.stringify(doc));
      }),
      { numRuns: runs(500) },
    );
  });
});
