/**
 * `zpi validate` as users and scripts call it: the default file, several files, problems as
 * `file:line:col: message` on stderr (or `--json`), unreadable paths, standard input; and the
 * command line's own basics (`--version`, unknown commands and flags). No network is touched.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useE2E, type RunResult } from './harness.js';

const BAD = `apiVersion: zpi/v1
kind: ProjectsIntegration
org: "60012345678"
portal:
  name: acme-projects
  zscKey: \${ZPI_ZSC_KEY}
  zscEmail: owner@acme.com
profiles:
  Standard: [create]
users:
  - email: alice@acme.com
  - email: Alice@acme.com
  - emial: bob@acme.com
`;

const BAD_LINES = [
  'bad.yaml:9:13: profile "Standard" has create without view: create, edit and delete need view (write [view, create])',
  'bad.yaml:12:5: user alice@acme.com is listed twice (first at line 11)',
  'bad.yaml:13:5: user entry is missing required key "email"',
  'bad.yaml:13:5: unknown key "emial" in user entry (expected one of: email, permissions, expires); did you mean "email"?',
];

/** One-line user errors: exit 1, no stack trace, no "internal error". */
function expectCleanFailure(r: RunResult): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
}

describe('zpi validate', () => {
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') }, (t) => {
    writeFileSync(join(t.dir, 'bad.yaml'), BAD);
    mkdirSync(join(t.dir, 'a-directory'));
  });

  it('checks ./integration.yaml by default', async () => {
    const r = await t.run(['validate']);
    expect(r).toEqual({ code: 0, stdout: 'integration.yaml is valid.\n', stderr: '' });
  });

  it('checks several files at once (every example validates)', async () => {
    const examples = ['first-setup', 'add-users', 'per-user-overrides', 'portal-swap', 'deactivate', 'large-org'].map((n) =>
      join(ROOT, 'examples', `${n}.yaml`),
    );
    const r = await t.run(['validate', 'integration.yaml', ...examples]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('7 manifests are valid.\n');
    expect(r.code).toBe(0);
  });

  it('prints every problem as file:line:col: message on stderr, exit 1', async () => {
    const r = await t.run(['validate', 'bad.yaml']);
    expectCleanFailure(r);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual(BAD_LINES);
  });

  it('a bad file among good ones fails the run and names only the bad file', async () => {
    const r = await t.run(['validate', 'integration.yaml', 'bad.yaml']);
    expectCleanFailure(r);
    expect(r.stderr.trimEnd().split('\n')).toEqual(BAD_LINES);
  });

  it('--json prints [{file, line, col, message}] on stdout', async () => {
    const r = await t.run(['validate', '--json', 'bad.yaml']);
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout) as unknown[];
    expect(problems).toEqual(
      BAD_LINES.map((l) => {
        const [, file, line, col, message] = /^([^:]+):(\d+):(\d+): (.*)$/.exec(l) as RegExpExecArray;
        return { file, line: Number(line), col: Number(col), message };
      }),
    );
    for (const p of problems) expect(Object.keys(p as object)).toEqual(['file', 'line', 'col', 'message']);
    const ok = await t.run(['validate', '--json', 'integration.yaml']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([]);
  });

  it('a missing file and a directory are one line each, exit 1', async () => {
    const missing = await t.run(['validate', 'nope.yaml']);
    expectCleanFailure(missing);
    expect(missing.stderr).toBe('nope.yaml:1:1: cannot read file: no such file\n');
    const dir = await t.run(['validate', 'a-directory']);
    expectCleanFailure(dir);
    expect(dir.stderr).toBe('a-directory:1:1: cannot read file: is a directory (expected a YAML manifest)\n');
    const json = await t.run(['validate', '--json', 'nope.yaml']);
    expect(JSON.parse(json.stdout)).toEqual([{ file: 'nope.yaml', line: 1, col: 1, message: 'cannot read file: no such file' }]);
  });

  it('reads standard input as - and as /dev/stdin', async () => {
    const manifest = readFileSync(join(ROOT, 'integration.yaml'), 'utf8');
    const dash = await t.run(['validate', '-'], { input: manifest });
    expect(dash).toEqual({ code: 0, stdout: '<stdin> is valid.\n', stderr: '' });
    const devStdin = await t.run(['validate', '/dev/stdin'], { input: manifest });
    expect(devStdin.code).toBe(0);
    expect(devStdin.stdout).toBe('/dev/stdin is valid.\n');

    const bad = await t.run(['validate', '-'], { input: BAD });
    expectCleanFailure(bad);
    expect(bad.stderr.trimEnd().split('\n')).toEqual(BAD_LINES.map((l) => l.replace(/^bad\.yaml:/, '<stdin>:')));
    const badDev = await t.run(['validate', '/dev/stdin'], { input: BAD });
    expect(badDev.stderr.trimEnd().split('\n')).toEqual(BAD_LINES.map((l) => l.replace(/^bad\.yaml:/, '/dev/stdin:')));

    const empty = await t.run(['validate', '-'], { input: '' });
    expectCleanFailure(empty);
    expect(empty.stderr).toBe('<stdin>:1:1: file is empty: expected a zpi/v1 manifest (apiVersion, kind, org…)\n');
  });

  it('warns (stderr, exit 0) about what a deactivated manifest ignores', async () => {
    writeFileSync(
      join(t.dir, 'off.yaml'),
      'apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\nstate: deactivated\nportal:\n  name: acme-projects\n',
    );
    const r = await t.run(['validate', 'off.yaml']);
    expect(r).toEqual({ code: 0, stdout: 'off.yaml is valid.\n', stderr: 'warning: off.yaml:5:1: portal is ignored because state is deactivated\n' });
  });

  it('refuses a literal ZSC key and broken YAML with the position', async () => {
    writeFileSync(join(t.dir, 'literal.yaml'), BAD.replace('${ZPI_ZSC_KEY}', 'abc123literal').replace('[create]', '[view]').split('\n').slice(0, 11).join('\n'));
    const lit = await t.run(['validate', 'literal.yaml']);
    expectCleanFailure(lit);
    expect(lit.stderr).toBe('literal.yaml:6:11: zscKey must be a reference like ${ZPI_ZSC_KEY}: never commit the key itself\n');
    const syntax = await t.run(['validate', '-'], { input: 'apiVersion: [\n' });
    expectCleanFailure(syntax);
    expect(syntax.stderr).toMatch(/^<stdin>:\d+:\d+: invalid YAML: .+\n$/);
  });
});

describe('zpi validate: users required, expires, $NAME and merge keys', () => {
  const t = useE2E();
  const GOOD = readFileSync(join(ROOT, 'integration.yaml'), 'utf8');
  const noUsers = GOOD.replace(/^users:[\s\S]*$/m, '');

  it('an active manifest without users fails at its state line; users: [] and a deactivation pass', async () => {
    expect(noUsers).toContain('\nstate: active\n');
    writeFileSync(join(t.dir, 'no-users.yaml'), noUsers);
    const r = await t.run(['validate', 'no-users.yaml']);
    expectCleanFailure(r);
    expect(r.stderr).toBe(
      'no-users.yaml:7:8: users is required when state is active: list the users who get access, or write users: [] to give nobody access\n',
    );
    writeFileSync(join(t.dir, 'nobody.yaml'), `${noUsers}users: []\n`);
    writeFileSync(join(t.dir, 'off.yaml'), 'apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\nstate: deactivated\n');
    expect(await t.run(['validate', 'nobody.yaml', 'off.yaml'])).toEqual({ code: 0, stdout: '2 manifests are valid.\n', stderr: '' });
  });

  it('expires: a real date passes, quoted or not; an impossible one is named at its line', async () => {
    const expiring = (date: string): string => GOOD.replace('  - email: carol@acme.com\n', `  - email: carol@acme.com\n    expires: ${date}\n`);
    writeFileSync(join(t.dir, 'expires.yaml'), expiring('2027-01-31'));
    writeFileSync(join(t.dir, 'expires-quoted.yaml'), expiring('"2027-01-31"'));
    expect(await t.run(['validate', 'expires.yaml', 'expires-quoted.yaml'])).toEqual({ code: 0, stdout: '2 manifests are valid.\n', stderr: '' });
    writeFileSync(join(t.dir, 'feb30.yaml'), expiring('2027-02-30'));
    const r = await t.run(['validate', 'feb30.yaml']);
    expectCleanFailure(r);
    expect(r.stderr).toBe('feb30.yaml:21:14: expires "2027-02-30" is not a real date: February 2027 has 28 days\n');
  });

  it('zscKey: $NAME is told to be ${NAME}; a merge key is refused at the <<', async () => {
    writeFileSync(join(t.dir, 'dollar.yaml'), GOOD.replace('${ZPI_ZSC_KEY}', '$ZPI_ZSC_KEY'));
    const dollar = await t.run(['validate', 'dollar.yaml']);
    expectCleanFailure(dollar);
    expect(dollar.stderr).toBe('dollar.yaml:10:11: zscKey "$ZPI_ZSC_KEY" looks like a variable reference: write ${ZPI_ZSC_KEY}\n');

    writeFileSync(join(t.dir, 'merge.yaml'), GOOD.replace('  - email: alice@acme.com\n', '  - &alice\n    email: alice@acme.com\n').replace('  - email: carol@acme.com\n', '  - <<: *alice\n    email: carol@acme.com\n'));
    const merge = await t.run(['validate', 'merge.yaml']);
    expectCleanFailure(merge);
    expect(merge.stderr).toBe(
      'merge.yaml:21:5: YAML merge keys (<<) are not supported: write the keys out in each mapping (an alias still shares one value, like permissions: *rw)\n',
    );
  });
});

describe('the command line itself', () => {
  const t = useE2E();

  it('--version and -v print the version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      expect(await t.run([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('--help works for every command, exit 0', async () => {
    for (const cmd of ['validate', 'plan', 'apply', 'show', 'export', 'sandbox']) {
      const r = await t.run([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: zpi ${cmd} `));
    }
  });

  it('an unknown command names the closest one, exit 1, no stack', async () => {
    const r = await t.run(['plna']);
    expectCleanFailure(r);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(["error: unknown command 'plna'", '(Did you mean plan?)']);
  });

  it('an unknown flag names the closest one, also when it is only the start of one', async () => {
    const typo = await t.run(['validate', '--jsn']);
    expectCleanFailure(typo);
    expect(typo.stderr.split('\n').slice(0, 2)).toEqual(["error: unknown option '--jsn'", '(Did you mean --json?)']);
    for (const [cmd, flag, meant] of [
      ['plan', '--detailed', '--detailed-exitcode'],
      ['apply', '--allow', '--allow-destructive'],
      ['apply', '--auto', '--auto-approve'],
    ] as const) {
      const r = await t.run([cmd, flag]);
      expectCleanFailure(r);
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([`error: unknown option '${flag}'`, `(Did you mean ${meant}?)`]);
    }
  });

  it('bad option values and stray arguments are one clear error, exit 1', async () => {
    const cases: [string[], RegExp][] = [
      [['plan', '--format', 'xml'], /^error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, markdown\./],
      [['plan', '--max-revoke', '200'], /^error: option '--max-revoke <pct>' argument '200' is invalid\./],
      [['plan', '--concurrency', 'lots'], /^error: option '--concurrency <n>' argument 'lots' is invalid\./],
      [['plan', 'integration.yaml'], /^error: too many arguments for 'plan'/],
      [['plan', '--sandbox', '--endpoint', 'http://127.0.0.1:1'], /^error: option '--sandbox' cannot be used with option '--endpoint <url>'/],
      [['show'], /^error: missing required argument 'planfile'/],
    ];
    for (const [args, message] of cases) {
      const r = await t.run(args);
      expectCleanFailure(r);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
