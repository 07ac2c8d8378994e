/**
 * Hostile remotes and local files, on the built CLI: files zpi writes (`plan --out`, `export -o`) are
 * never written through a symbolic link or into a FIFO, device or directory, and are replaced whole;
 * files it reads may be anything (a .env, a FIFO, UTF-16) and are refused or read without echoing
 * their content or hanging; a key pasted where it does not belong is masked; names from the remote
 * reach the terminal escaped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, secretSeed, useE2E, type RunResult } from './harness.js';

const MANIFEST = readFileSync(join(ROOT, 'integration.yaml'), 'utf8');
// Not among the harness's SECRETS: files holding them stay in the test's dir, which its scan reads.
const ENV_SECRET = 'abc123-env-secret-77';
const PASTED_KEY = '1000.f00dfeed5eed4badc0de';
/** A raw control or bidi character, but the newline ending each line. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectCleanFailure(r: RunResult): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
}

describe('files zpi writes: never through a link, never a special file, replaced whole', () => {
  // Link targets and special files live outside the test's dir, which the harness's secret scan reads.
  const outside = mkdtempSync(join(tmpdir(), 'zpi-local-files-'));
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') }, (t) => mkdirSync(join(t.dir, 'odd')));
  // Runs before useE2E's close (hooks run as a stack), whose scan reads every file in the dir.
  afterAll(() => {
    rmSync(join(t.dir, 'odd'), { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it.each([
    ['plan --out', ['plan', '--out'], 'plan.json'],
    ['export -o', ['export', '-o'], 'exported.yaml'],
  ])('%s onto a symbolic link is refused, and its target is untouched', async (_what, args, name) => {
    const target = join(outside, `precious-${name}`);
    writeFileSync(target, 'ssh-ed25519 AAAA precious\n');
    symlinkSync(target, join(t.dir, 'odd', name));
    const r = await t.run([...args, `odd/${name}`]);
    expectCleanFailure(r);
    expect(r.stderr).toBe(`error: refusing to write odd/${name}: it is a symbolic link\n`);
    expect(readFileSync(target, 'utf8')).toBe('ssh-ed25519 AAAA precious\n');
    // A dangling link too: writing through it would create its target.
    symlinkSync(join(outside, `created-by-zpi-${name}`), join(t.dir, 'odd', `dangling-${name}`));
    const dangling = await t.run([...args, `odd/dangling-${name}`]);
    expect(dangling.stderr).toBe(`error: refusing to write odd/dangling-${name}: it is a symbolic link\n`);
    expect(existsSync(join(outside, `created-by-zpi-${name}`))).toBe(false);
  });

  it('a FIFO, a device and a directory are refused at once, without waiting or writing', async () => {
    execFileSync('mkfifo', [join(t.dir, 'odd', 'fifo')]);
    const fifo = await t.run(['plan', '--out', 'odd/fifo']);
    expect(fifo.stderr).toBe('error: refusing to write odd/fifo: it is a FIFO (named pipe)\n');
    const device = await t.run(['export', '-o', '/dev/null']);
    expect(device.stderr).toBe('error: refusing to write /dev/null: it is a device\n');
    const dir = await t.run(['plan', '--out', 'odd']);
    expect(dir.stderr).toBe('error: refusing to write odd: it is a directory\n');
    for (const r of [fifo, device, dir]) expectCleanFailure(r);
  });

  it('writes by rename: a hard link elsewhere keeps the old text, no temporary file is left, 0600 kept', async () => {
    writeFileSync(join(t.dir, 'plan.json'), 'old plan\n');
    execFileSync('ln', [join(t.dir, 'plan.json'), join(outside, 'hard-link')]);
    const r = await t.run(['plan', '--out', 'plan.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t.dir, 'plan.json'), 'utf8')).formatVersion).toBe(1);
    expect(readFileSync(join(outside, 'hard-link'), 'utf8')).toBe('old plan\n');
    expect(statSync(join(t.dir, 'plan.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(t.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('export -o --force over an existing file keeps that file’s mode', async () => {
    writeFileSync(join(t.dir, 'shared.yaml'), 'old\n', { mode: 0o640 });
    const r = await t.run(['export', '-o', 'shared.yaml', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(t.dir, 'shared.yaml')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(t.dir, 'shared.yaml'), 'utf8')).toContain('apiVersion: zpi/v1');
  });
});

describe('files zpi reads: refused by name, never echoed, never waited on', () => {
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') }, (t) => mkdirSync(join(t.dir, 'odd')));
  // Runs before useE2E's close (hooks run as a stack), whose scan reads every file in the dir.
  afterAll(() => rmSync(join(t.dir, 'odd'), { recursive: true, force: true }));

  it('validate .env / plan -f .env: where and what, not a word of the file', async () => {
    writeFileSync(join(t.dir, '.env'), `ZOHO_CLIENT_SECRET=${ENV_SECRET}\nZOHO_REFRESH_TOKEN=${ENV_SECRET}-2\n`);
    writeFileSync(join(t.dir, 'secrets.yaml'), `ZOHO_CLIENT_SECRET: ${ENV_SECRET}\nZOHO_REFRESH_TOKEN: "${ENV_SECRET}\\q"\n`);
    const runs = [
      await t.run(['validate', '.env']),
      await t.run(['validate', '--json', '.env']),
      await t.run(['plan', '-f', '.env']),
      await t.run(['validate', 'secrets.yaml']),
      await t.run(['plan', '-f', 'secrets.yaml']),
    ];
    for (const r of runs) {
      expectCleanFailure(r);
      expect(r.stdout + r.stderr).not.toContain(ENV_SECRET);
      expect(r.stdout + r.stderr).not.toContain('ZOHO_CLIENT_SECRET');
    }
    expect(runs[0]!.stderr).toBe('.env:1:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got text; its content is not shown\n');
    expect(runs[2]!.stderr).toBe('error: .env:1:1: not a zpi manifest: expected a mapping of apiVersion, kind, org…, got text; its content is not shown\n');
    expect(runs[3]!.stderr).toBe(
      'secrets.yaml:2:42: not a zpi manifest: invalid YAML: invalid escape sequence in a double-quoted string (write \\\\ for a backslash, or use single quotes); its content is not shown\n',
    );
  });

  it('a key pasted into ${…} of zscKey is not echoed', async () => {
    writeFileSync(join(t.dir, 'pasted.yaml'), MANIFEST.replace('${ZPI_ZSC_KEY}', `\${${PASTED_KEY}}`));
    const r = await t.run(['validate', 'pasted.yaml']);
    expectCleanFailure(r);
    expect(r.stderr).toBe('pasted.yaml:10:11: zscKey must be a ${NAME} reference to an environment variable; the value given is not shown\n');
  });

  it('a key pasted into zscEmail is masked when it is the value of a secret variable', async () => {
    writeFileSync(join(t.dir, 'email.yaml'), MANIFEST.replace('owner@acme.com', PASTED_KEY));
    const env = { ZPI_ZSC_KEY: PASTED_KEY };
    const text = await t.run(['validate', 'email.yaml'], { env });
    expectCleanFailure(text);
    expect(text.stderr).toBe('email.yaml:11:13: portal.zscEmail "***" is not an email address\n');
    const json = await t.run(['validate', '--json', 'email.yaml'], { env: { ZOHO_CLIENT_SECRET: PASTED_KEY } });
    expect(JSON.parse(json.stdout)).toEqual([{ file: 'email.yaml', line: 11, col: 13, message: 'portal.zscEmail "***" is not an email address' }]);
    // The same error from plan goes through the CLI's error report (src/cli/main.ts reportError).
    const plan = await t.run(['plan', '-f', 'email.yaml'], { env: { ZOHO_REFRESH_TOKEN: PASTED_KEY } });
    expectCleanFailure(plan);
    expect(plan.stderr).not.toContain(PASTED_KEY);
  });

  it('a FIFO or a device as the manifest is refused at once; stdin still reads', async () => {
    execFileSync('mkfifo', [join(t.dir, 'odd', 'pipe.yaml')]);
    // Nothing ever writes to the FIFO and /dev/zero never ends: a zpi that opened or read either would
    // never exit (the test's timeout), so an answer at all, and these, mean it refused at once.
    const [fifo, plan, device] = await Promise.all([
      t.run(['validate', 'odd/pipe.yaml']),
      t.run(['plan', '-f', 'odd/pipe.yaml']),
      t.run(['validate', '/dev/zero']),
    ]);
    expect(fifo.stderr).toBe('odd/pipe.yaml:1:1: cannot read file: it is a FIFO (named pipe), not a file (to read a pipe, use - for standard input)\n');
    expect(plan.stderr).toBe('error: odd/pipe.yaml:1:1: cannot read file: it is a FIFO (named pipe), not a file (to read a pipe, use - for standard input)\n');
    expect(device.stderr).toBe('/dev/zero:1:1: cannot read file: it is a device, not a file\n');
    for (const r of [fifo, plan, device]) expectCleanFailure(r);
    expect(await t.run(['validate', '-'], { input: MANIFEST })).toEqual({ code: 0, stdout: '<stdin> is valid.\n', stderr: '' });
    const planned = await t.run(['plan', '-f', '-'], { input: MANIFEST });
    expect(planned.code, planned.stderr).toBe(0);
  });

  it('a UTF-16 manifest (with a byte-order mark) validates and plans like its UTF-8 self', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MANIFEST.replace(/\n/g, '\r\n'), 'utf16le')]);
    writeFileSync(join(t.dir, 'utf16.yaml'), le);
    expect(await t.run(['validate', 'utf16.yaml'])).toEqual({ code: 0, stdout: 'utf16.yaml is valid.\n', stderr: '' });
    const utf8 = await t.run(['plan']);
    const utf16 = await t.run(['plan', '-f', 'utf16.yaml', '--diff']);
    expect(utf16.code, utf16.stderr).toBe(0);
    const summary = (r: RunResult): string | undefined => r.stdout.split('\n').find((l) => l.startsWith('Plan: '));
    expect(summary(utf16)).toBe(summary(utf8));
    expect(utf16.stdout).toContain('+++ utf16.yaml');
    expect(utf16.stdout).toContain('+  Standard: [view, create, edit]');
  });
});

describe('names from the remote reach the terminal escaped', () => {
  const ORG = 'Acme\x1b[2J\x1b]0;pwned\x07\r\u202eCorp';
  const t = useE2E({
    manifest: join(ROOT, 'integration.yaml'),
    seed: secretSeed((seed) => {
      seed.org.company_name = ORG;
    }),
  });

  it('plan in text and Markdown: no raw control character, the org name shown escaped', async () => {
    const text = await t.run(['plan']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(RAW);
    expect(text.stdout.split('\n')[0]).toBe(
      `zpi plan · integration.yaml → Acme\\u001b[2J\\u001b]0;pwned\\u0007\\r\\u202eCorp (org 60012345678) via sandbox ${t.sandbox.url}`,
    );
    const md = await t.run(['plan', '--format', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).not.toMatch(RAW);
    expect(md.stdout).toContain('→ Acme\\\\u001b\\[2J\\\\u001b\\]0;pwned\\\\u0007\\\\r\\\\u202eCorp (org 60012345678)');
    const json = await t.run(['plan', '--format', 'json']);
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout).target.org.name).toBe(ORG);
  });
});
