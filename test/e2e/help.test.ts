/**
 * Every command explains itself: `--help` (and `zpi help CMD`) shows a short description and an
 * example; a mistyped flag or command is a clear one-screen error with the closest match, exit 1,
 * never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useE2E, type RunResult } from './harness.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** command → a typo of one of its flags and the flag it should suggest. */
const COMMANDS: Record<string, { typo: string; suggests: string }> = {
  validate: { typo: '--jsno', suggests: '--json' },
  plan: { typo: '--detailed-exitcod', suggests: '--detailed-exitcode' },
  apply: { typo: '--auto-aprove', suggests: '--auto-approve' },
  show: { typo: '--fromat', suggests: '--format' },
  export: { typo: '--outptu', suggests: '--output' },
  sandbox: { typo: '--prot', suggests: '--port' },
};

function expectUsageError(r: RunResult): string[] {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(3);
  expect(lines[0]).toMatch(/^error: /);
  return lines;
}

describe('zpi --help and usage errors', () => {
  const t = useE2E();

  for (const [cmd, { typo, suggests }] of Object.entries(COMMANDS)) {
    describe(`zpi ${cmd}`, () => {
      it('--help shows usage, a short description, its options and an example', async () => {
        const r = await t.run([cmd, '--help']);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        const lines = r.stdout.split('\n');
        expect(lines[0]).toMatch(new RegExp(`^Usage: zpi ${cmd} `));
        expect(lines[1]).toBe('');
        const description = lines[2] ?? '';
        expect(description.length).toBeGreaterThan(10);
        expect(description.length).toBeLessThanOrEqual(80);
        expect(r.stdout).toContain('Options:');
        expect(r.stdout).toContain('-h, --help');
        expect(r.stdout).toContain(suggests);
        expect(r.stdout).toMatch(/\nExamples?:\n {2}zpi /);
        const examples = r.stdout.slice(r.stdout.search(/\nExamples?:\n/)).split('\n').filter((l) => l.startsWith('  zpi '));
        expect(examples.length).toBeGreaterThan(0);
        for (const e of examples) expect(e.startsWith(`  zpi ${cmd}`), e).toBe(true);
        // `zpi help CMD` is the same page.
        const viaHelp = await t.run(['help', cmd]);
        expect(viaHelp.code).toBe(0);
        expect(viaHelp.stdout).toBe(r.stdout);
      });

      it(`an unknown flag names the closest one (${typo} → ${suggests}), exit 1, no stack`, async () => {
        const lines = expectUsageError(await t.run([cmd, typo]));
        expect(lines[0]).toBe(`error: unknown option '${typo}'`);
        expect(lines[1]).toBe(`(Did you mean ${suggests}?)`);
        expect(lines[2]).toBe(`(run zpi ${cmd} --help for usage)`);
      });

      it('a flag with no close match still says how to get help', async () => {
        const lines = expectUsageError(await t.run([cmd, '--frobnicate-wildly']));
        expect(lines).toEqual([`error: unknown option '--frobnicate-wildly'`, `(run zpi ${cmd} --help for usage)`]);
      });
    });
  }

  it('an unknown command names the closest one', async () => {
    for (const [typo, meant] of [['plna', 'plan'], ['aply', 'apply'], ['shwo', 'show'], ['valdate', 'validate'], ['exprot', 'export']]) {
      const lines = expectUsageError(await t.run([typo as string]));
      expect(lines).toEqual([`error: unknown command '${typo}'`, `(Did you mean ${meant}?)`, '(run zpi --help for usage)']);
    }
    const lines = expectUsageError(await t.run(['frobnicate']));
    expect(lines).toEqual([`error: unknown command 'frobnicate'`, '(run zpi --help for usage)']);
  });

  it('bad option values and missing arguments are usage errors naming the option', async () => {
    expect(expectUsageError(await t.run(['plan', '--max-revoke', '200']))[0]).toBe(
      "error: option '--max-revoke <pct>' argument '200' is invalid. Expected a percentage from 0 to 100.",
    );
    expect(expectUsageError(await t.run(['plan', '--concurrency', 'lots']))[0]).toBe(
      "error: option '--concurrency <n>' argument 'lots' is invalid. Expected a whole number from 1 to 25.",
    );
    for (const bad of ['0', '26', '1e3', '-1']) {
      expect(expectUsageError(await t.run(['plan', '--concurrency', bad]))[0]).toBe(
        `error: option '--concurrency <n>' argument '${bad}' is invalid. Expected a whole number from 1 to 25.`,
      );
    }
    expect(expectUsageError(await t.run(['plan', '--format', 'yaml']))[0]).toBe(
      "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json, markdown.",
    );
    expect(expectUsageError(await t.run(['show']))[0]).toBe("error: missing required argument 'planfile'");
    expect(expectUsageError(await t.run(['plan', 'extra']))[0]).toMatch(/^error: too many arguments for 'plan'/);
    expect(expectUsageError(await t.run(['plan', '--sandbox', '--endpoint', 'http://127.0.0.1:1']))[0]).toMatch(
      /^error: option '--sandbox' cannot be used with option '--endpoint <url>'/,
    );
  });

  it('zpi --help lists every command with a description, and examples', async () => {
    const r = await t.run(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`\\n {2}${cmd} .*\\S`));
    expect(r.stdout).toContain('Examples:\n  zpi validate\n');
    expect(r.stdout).toContain('Run zpi <command> --help');
  });

  it('zpi --version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await t.run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
  });
});
