/**
 * `zpi plan --diff`: the live settings against the manifest's, both in one canonical manifest form —
 * comments, key order, the order of users and profiles, the case of emails and the profiles the
 * manifest does not manage make no lines; a real change makes only its own. In every format.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';
import { orgView, stateBytes } from './org-state.js';

/** The lines of a unified diff that add or remove something (not its `---`/`+++` headers). */
const changedLines = (text: string): string[] => text.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));

describe('zpi plan --diff', () => {
  let exported: string;
  const t = useE2E({}, async (t) => {
    const out = await t.run(['export']);
    expect(out.code, out.stderr).toBe(0);
    exported = out.stdout;
  });

  /** The export, written by hand: comments everywhere, keys, users and profiles in another order, emails in capitals. */
  function reshuffled(text: string): string {
    const lines = text.split('\n');
    const header = lines.slice(0, lines.indexOf('apiVersion: zpi/v1'));
    const block = (key: string): string[] => {
      const from = lines.indexOf(`${key}:`);
      let to = from + 1;
      while (to < lines.length && lines[to]?.startsWith(' ')) to++;
      return lines.slice(from, to);
    };
    const [usersKey, ...userLines] = block('users');
    // Each user is `  - email: …` and maybe `    permissions: …`: reversed as whole entries.
    const entries: string[][] = [];
    for (const l of userLines) {
      if (l.startsWith('  - ')) entries.push([l.replace(/email: (.*)$/, (_m, e: string) => `email: ${e.toUpperCase()}   # ${e}`)]);
      else entries.at(-1)?.push(l);
    }
    const [profilesKey, ...profileLines] = block('profiles');
    return [
      ...header,
      '# Edited by hand.',
      'kind: ProjectsIntegration',
      'apiVersion: zpi/v1',
      `${usersKey}              # everyone who gets access`,
      ...entries.reverse().flat(),
      'state: active',
      'portal:',
      ...block('portal').slice(1).reverse(),
      `${profilesKey}`,
      ...profileLines.reverse().map((l) => `${l.replace(/\[(.*)\]/, (_m, p: string) => `[${p.split(', ').reverse().join(', ')}]`)}   # reordered`),
      lines.find((l) => l.startsWith('org: ')) ?? '',
      '',
    ].join('\n');
  }

  it('a manifest that differs from live only in comments and order: no differences, in every format', async () => {
    const fixed = reshuffled(exported);
    writeFileSync(join(t.dir, 'hand.yaml'), fixed);
    expect(fixed).not.toBe(exported);
    expect(fixed).toContain('ALICE@ACME.COM');
    const before = stateBytes(t);
    const r = await t.run(['plan', '-f', 'hand.yaml', '--diff', '--detailed-exitcode']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes. Live state matches hand.yaml.');
    expect(r.stdout.endsWith('\nNo differences: the live settings match hand.yaml (in canonical form).\n')).toBe(true);
    expect(changedLines(r.stdout)).toEqual([]);
    const md = await t.run(['plan', '-f', 'hand.yaml', '--diff', '--format', 'markdown']);
    expect(md.stdout).toContain('\nNo differences: the live settings match hand.yaml (in canonical form).\n');
    expect(md.stdout).not.toContain('```diff');
    const json = JSON.parse((await t.run(['plan', '-f', 'hand.yaml', '--diff', '--format', 'json'])).stdout);
    expect(json.diff).toBe('');
    expect(stateBytes(t).equals(before)).toBe(true);
  });

  it('one real change gives only its lines', async () => {
    writeFileSync(join(t.dir, 'one.yaml'), reshuffled(exported).replace(/^ {2}- email: ERIN@ACME\.COM.*\n/m, ''));
    const r = await t.run(['plan', '-f', 'one.yaml', '--diff']);
    expect(r.code, r.stderr).toBe(0);
    const diff = r.stdout.slice(r.stdout.indexOf('\n--- live\n') + 1);
    expect(diff.split('\n').slice(0, 3)).toEqual(['--- live', '+++ one.yaml', expect.stringMatching(/^@@ -\d+,\d+ \+\d+,\d+ @@$/)]);
    expect(changedLines(diff)).toEqual(['-  - email: erin@acme.com']);
    expect(diff).toContain('\n   - email: carol@acme.com\n-  - email: erin@acme.com\n   - email: grace@acme.com\n');
  });

  it('profiles the manifest does not manage make no lines', async () => {
    // Keep only Standard under profiles: the others are left as they are, on both sides.
    const only = exported.replace(/^profiles:\n(?: {2}.*\n)+/m, (block) => block.split('\n').filter((l) => !l.startsWith('  ') || l.startsWith('  Standard:')).join('\n'));
    expect(only).not.toContain('  Administrator:');
    writeFileSync(join(t.dir, 'only-standard.yaml'), only);
    const r = await t.run(['plan', '-f', 'only-standard.yaml', '--diff', '--detailed-exitcode']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No differences: the live settings match only-standard.yaml');
    // A change to the one managed profile is all the diff shows.
    writeFileSync(join(t.dir, 'raise.yaml'), only.replace(/^ {2}Standard: .*$/m, '  Standard: [view, create, edit]'));
    const raise = await t.run(['plan', '-f', 'raise.yaml', '--diff']);
    expect(changedLines(raise.stdout.slice(raise.stdout.indexOf('\n--- live\n')))).toEqual(['-  Standard: [view, create]', '+  Standard: [view, create, edit]']);
  });

  it('markdown puts the diff in a ```diff block; JSON in a top-level diff string, the same text', async () => {
    const text = await t.run(['plan', '-f', 'one.yaml', '--diff']);
    const patch = text.stdout.slice(text.stdout.indexOf('\n--- live\n') + 1);
    const md = await t.run(['plan', '-f', 'one.yaml', '--diff', '--format', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`\n\`\`\`diff\n${patch}\`\`\`\n`);
    const json = await t.run(['plan', '-f', 'one.yaml', '--diff', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(doc.diff).toBe(patch);
    expect(doc.steps.map((s: { id: string }) => s.id)).toEqual(['revoke-user:erin@acme.com']);
    // Without --diff there is no diff field; a saved plan (--out) never has one.
    expect(JSON.parse((await t.run(['plan', '-f', 'one.yaml', '--format', 'json'])).stdout)).not.toHaveProperty('diff');
    const saved = await t.run(['plan', '-f', 'one.yaml', '--diff', '--format', 'json', '--out', 'one.plan.json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t.dir, 'one.plan.json'), 'utf8'))).not.toHaveProperty('diff');
  });

  it('a JSON plan printed with --diff still loads as a saved plan: show renders it, apply applies it', async () => {
    const json = await t.run(['plan', '-f', 'one.yaml', '--diff', '--format', 'json']);
    writeFileSync(join(t.dir, 'printed.plan.json'), json.stdout);
    const shown = await t.run(['show', 'printed.plan.json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/revoke +erin@acme\.com/);
    const applied = await t.run(['apply', 'printed.plan.json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(orgView(t).users).not.toContain('erin@acme.com');
    const after = await t.run(['plan', '-f', 'one.yaml', '--diff', '--detailed-exitcode']);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toContain('No differences: the live settings match one.yaml');
  });
});
