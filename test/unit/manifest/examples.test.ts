import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFiles, loadManifest } from '../../../src/manifest/load-manifest.js';
import { formatProblem } from '../../../src/model/errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examples = join(root, 'examples');
// ci/ holds a workflow and sandbox/ a seed org: neither is a manifest.
const SKIP = new Set(['ci', 'sandbox']);

function manifests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP.has(e.name) && dir === examples ? [] : manifests(join(dir, e.name));
    return /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [];
  });
}

const files = manifests(examples).map((f) => relative(root, f));

describe('examples/ and the default integration.yaml', () => {
  it('has the scenarios DESIGN §1 promises', () => {
    for (const name of ['first-setup', 'add-users', 'per-user-overrides', 'portal-swap', 'deactivate', 'large-org']) {
      expect(files).toContain(join('examples', `${name}.yaml`));
    }
  });

  // What each one does there is checked step by step in test/e2e/examples.test.ts.
  it.each(['first-setup', 'add-users', 'per-user-overrides', 'portal-swap', 'deactivate', 'large-org'])(
    'examples/%s.yaml says in its header what it does on the sandbox seed org',
    (name) => {
      const text = readFileSync(join(examples, `${name}.yaml`), 'utf8');
      const header = text.slice(0, text.indexOf('\napiVersion:'));
      expect(header.split('\n').every((l) => l.startsWith('#'))).toBe(true);
      expect(header).toContain("the sandbox's seed org (examples/sandbox/org.json)");
      // Only the portal swap and deactivation are destructive there, and they say what apply needs.
      if (name === 'portal-swap' || name === 'deactivate') expect(header).toContain('--allow-destructive');
    },
  );

  it.each(files)('%s validates without warnings and starts with the schema modeline', (file) => {
    const path = join(root, file);
    expect(checkFiles([path]).problems.map(formatProblem)).toEqual([]);
    expect(loadManifest(path).warnings).toEqual([]);
    const depth = file.split('/').length - 1;
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(
      `# yaml-language-server: $schema=${'../'.repeat(depth)}schema/integration.schema.json`,
    );
  });

  it('integration.yaml validates and says what the docs say', () => {
    const path = join(root, 'integration.yaml');
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/integration.schema.json');
    const d = loadManifest(path);
    expect(d.org).toBe('60012345678');
    expect(d.portal).toMatchObject({ name: 'acme-projects', zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: 'owner@acme.com' });
    expect(Object.fromEntries(Object.entries(d.profiles).map(([k, v]) => [k, v.permissions]))).toEqual({
      Administrator: ['view', 'create', 'edit', 'delete'],
      Standard: ['view', 'create', 'edit'],
      'Sales Rep': ['view'],
    });
    expect(d.users.map((u) => [u.email, u.permissions])).toEqual([
      ['alice@acme.com', undefined],
      ['bob@acme.com', ['view']],
      ['carol@acme.com', undefined],
      ['dave@acme.com', undefined],
      ['frank@acme.com', undefined],
      ['grace@acme.com', undefined],
      ['heidi@acme.com', undefined],
    ]);
  });
});
