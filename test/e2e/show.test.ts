/**
 * `zpi show PLANFILE` renders a saved plan offline: no credentials, no endpoint, no sandbox. A file
 * that is not a plan this zpi can read gives one clear line and exit 1.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useE2E, type RunResult } from './harness.js';

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function expectOneErrorLine(r: RunResult, pattern: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('zpi show', () => {
  let offline: Record<string, string | undefined>;
  let planMarkdown: string;
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') }, async (t) => {
    const plan = await t.run(['plan', '--format', 'markdown', '--out', 'plan.json']);
    expect(plan.code, plan.stderr).toBe(0);
    planMarkdown = plan.stdout;
    rmSync(join(t.dir, '.zpi'), { recursive: true, force: true });
    // Nowhere to connect to, and no credentials: anything that tried would fail or fall back to a sandbox.
    offline = {
      ZPI_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      ZOHO_CLIENT_ID: undefined,
      ZOHO_CLIENT_SECRET: undefined,
      ZOHO_REFRESH_TOKEN: undefined,
    };
  });

  it('renders a saved plan as text, JSON and Markdown without contacting anything', async () => {
    const before = t.sandbox.stats().requests;

    const text = await t.run(['show', 'plan.json'], { env: offline });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout.split('\n')[0]).toMatch(/^zpi show · plan\.json \(plan of integration\.yaml\) → Acme Corp \(org 60012345678\) via sandbox http:\/\/127\.0\.0\.1:\d+$/);
    expect(text.stdout).toContain('+ grant   dave@acme.com');
    expect(text.stdout).toContain('Plan: 3 to add, 3 to change, 1 to remove. 0 destructive.');

    const json = await t.run(['show', 'plan.json', '--format', 'json'], { env: offline });
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(readFileSync(join(t.dir, 'plan.json'), 'utf8'));

    const md = await t.run(['show', 'plan.json', '--format', 'markdown'], { env: offline });
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(planMarkdown);

    expect(t.sandbox.stats().requests).toBe(before);
    expect(existsSync(join(t.dir, '.zpi')), 'no embedded sandbox was started').toBe(false);
  });

  it('works from any directory: the plan file carries everything it needs', async () => {
    mkdirSync(join(t.dir, 'elsewhere'), { recursive: true });
    writeFileSync(join(t.dir, 'elsewhere', 'copy.json'), readFileSync(join(t.dir, 'plan.json')));
    rmSync(join(t.dir, 'integration.yaml'));
    const r = await t.run(['show', 'elsewhere/copy.json', '--format', 'markdown'], { env: offline });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(planMarkdown);
    writeFileSync(join(t.dir, 'integration.yaml'), readFileSync(join(ROOT, 'integration.yaml'), 'utf8'));
  });

  const plan = (): Record<string, unknown> => JSON.parse(readFileSync(join(t.dir, 'plan.json'), 'utf8')) as Record<string, unknown>;

  const bad: Array<[string, () => string | undefined, RegExp]> = [
    ['a missing file', () => undefined, /^error: cannot read plan file bad\.json: no such file$/],
    ['an empty file', () => '', /^error: bad\.json: not a zpi plan file: invalid JSON/],
    ['a truncated plan', () => readFileSync(join(t.dir, 'plan.json'), 'utf8').slice(0, 500), /^error: bad\.json: not a zpi plan file: invalid JSON at line \d+, column \d+$/],
    ['binary junk', () => '\u0000\u0001\u0002\u00ff', /^error: bad\.json: not a zpi plan file: invalid JSON$/],
    ['a JSON array', () => '[]', /^error: bad\.json: not a zpi plan file: expected a JSON object$/],
    ['a plan from a future zpi', () => JSON.stringify({ ...plan(), formatVersion: 2 }), /formatVersion is 2, and this zpi reads formatVersion 1; run zpi plan again/],
    ['another tool’s plan', () => JSON.stringify({ format_version: '1.2', resource_changes: [] }), /it has no formatVersion/],
    ['a plan with a broken step', () => JSON.stringify({ ...plan(), steps: [{ id: 'x', kind: 'explode' }] }), /^error: bad\.json: not a valid zpi plan: steps\[0\]\.(action|target|destructive|manual) must be present; .*steps\[0\]\.kind must be deactivate \| associate-portal/],
  ];
  for (const [what, content, pattern] of bad) {
    it(`refuses ${what} in one line, exit 1`, async () => {
      const file = join(t.dir, 'bad.json');
      rmSync(file, { force: true });
      const c = content();
      if (c !== undefined) writeFileSync(file, c);
      expectOneErrorLine(await t.run(['show', 'bad.json'], { env: offline }), pattern);
    });
  }

  it('never echoes the content of a file that is not a plan (it might be a .env)', async () => {
    writeFileSync(join(t.dir, 'dot.env'), 'ZOHO_CLIENT_SECRET=not-for-logs-123\nOTHER=1\n');
    const r = await t.run(['show', 'dot.env'], { env: offline });
    expectOneErrorLine(r, /^error: dot\.env: not a zpi plan file: invalid JSON/);
    expect(r.stderr).not.toContain('not-for-logs');
  });

  it('refuses a directory and an unknown format in one clear message', async () => {
    expectOneErrorLine(await t.run(['show', '.'], { env: offline }), /^error: cannot read plan file \.: it is a directory$/);
    const r = await t.run(['show', 'plan.json', '--format', 'html'], { env: offline });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: option '--format <format>' argument 'html' is invalid. Allowed choices are text, json, markdown.");
  });
});
