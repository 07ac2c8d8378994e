/**
 * zpi installs and runs from its tarball: `npm pack`, install the tarball into a fresh project,
 * then `npx zpi --version`, `npx zpi validate` and a sandbox plan there. The tarball ships dist/,
 * schema/, examples/ and bin/ and no sources or tests; nothing it runs needs a dev dependency.
 *
 * The registry must be reachable for zpi's own dependencies (cached ones are used first).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

interface Pkg {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Pkg;

/** The environment without what `npm test` adds for its own package, so nested npm commands act as a user's would. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_|^INIT_CWD$|^npm_config_(prefix|global|local_prefix)$/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', npm_config_update_notifier: 'false', CI: 'true' };
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The command line as one file (scripts/bundle-cli.mjs). */
const BUNDLE = 'dist/bundle/zpi.js';

describe('the npm package', () => {
  let tmp: string;
  let tarball: string;
  let files: string[];
  let project: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zpi-pack-'));
    // `npm test` has just built dist/. --ignore-scripts: prepack/prepare would rebuild dist/ while
    // other test files run the built CLI; a publish runs them (see package.json).
    const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    expect(r.code, r.stderr).toBe(0);
    const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(tmp, (info as { filename: string }).filename);
    files = (info as { files: Array<{ path: string }> }).files.map((f) => f.path);
  }, 120_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('ships bin/, dist/, schema/, examples/ and the README, and no sources, tests or tooling', () => {
    expect(existsSync(tarball)).toBe(true);
    for (const f of [
      'package.json',
      'README.md',
      'bin/zpi.js',
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/sandbox/index.js',
      'schema/integration.schema.json',
      'examples/sandbox/org.json',
      'examples/first-setup.yaml',
      'examples/ci/github-actions.yml',
    ]) {
      expect(files, f).toContain(f);
    }
    const top = new Set(files.map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(['README.md', 'bin', 'dist', 'examples', 'package.json', 'schema']);
    expect(files.some((f) => /\.test\.|(^|\/)src\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toBe(false);
  });

  // (A publish also drops stale files: prepack empties dist/ and prepare rebuilds it.)
  it('ships every dist/ file the sources compile to', () => {
    const walk = (d: string): string[] =>
      readdirSync(join(ROOT, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${d}/${e.name}`) : [`${d}/${e.name}`]));
    const sources = walk('src').filter((f) => f.endsWith('.ts')).map((f) => f.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js'));
    const shipped = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    for (const f of sources) expect(shipped, f).toContain(f);
  });

  it('needs no dev dependency at run time: bin and dist import only dist, node: built-ins and dependencies', () => {
    const runtime = new Set([...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const shippedJs = files.filter((f) => f.endsWith('.js'));
    const shippedSet = new Set(files);
    for (const f of shippedJs) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      // The command-line bundle holds its dependencies' own text (docs with `import '…'` in them): its
      // imports are the top-level import lines and the require() calls esbuild left for what it did not inline.
      const specs =
        f === BUNDLE
          ? [...text.matchAll(/^import\s[^;]*?from\s*['"]([^'"]+)['"];?$/gm), ...text.matchAll(/\b(?:__require|require)\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string)
          : [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
      for (const spec of specs) {
        if (spec.startsWith('.')) {
          const target = join(f, '..', spec).replace(/\\/g, '/');
          expect(shippedSet.has(target) || target === 'package.json', `${f} imports ${spec}`).toBe(true);
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
          expect(runtime.has(name) || runtime.has(spec), `${f} imports ${spec}`).toBe(true);
        }
      }
    }
    expect(readFileSync(join(ROOT, 'bin/zpi.js'), 'utf8')).toMatch(/from '\.\.\/dist\/bundle\/zpi\.js'/);
    expect(shippedSet.has(BUNDLE)).toBe(true);
    for (const dev of Object.keys(pkg.devDependencies)) expect(Object.keys(pkg.dependencies)).not.toContain(dev);
  });

  describe('installed from the tarball into a new project', () => {
    beforeAll(async () => {
      project = join(tmp, 'zoho-config');
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'zoho-config', version: '1.0.0', private: true }, null, 2)}\n`);
      // npm runs a tarball dependency's preinstall/install/postinstall but never its `prepare`
      // (that is for git and directory dependencies), so zpi's `prepare: npm run build` (tsc, a dev
      // dependency) does not run here. Were it run, it would fail: typescript is not installed.
      const r = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], project, 180_000);
      expect(r.code, r.stderr).toBe(0);
      copyFileSync(join(ROOT, 'integration.yaml'), join(project, 'integration.yaml'));
    }, 200_000);

    it('installs only the runtime dependencies', () => {
      const installed = readdirSync(join(project, 'node_modules'));
      expect(installed).toContain('zpi');
      for (const dep of Object.keys(pkg.dependencies)) expect(installed).toContain(dep);
      for (const dev of ['typescript', 'vitest', 'fast-check', 'json-schema-to-typescript', '@types']) expect(installed).not.toContain(dev);
      expect(existsSync(join(project, 'node_modules/zpi/src'))).toBe(false);
      expect(existsSync(join(project, 'node_modules/.bin/zpi'))).toBe(true);
    });

    it('npx zpi --version', async () => {
      const r = await run('npx', ['zpi', '--version'], project);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    });

    it('npx zpi validate', async () => {
      const r = await run('npx', ['zpi', 'validate'], project);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('integration.yaml is valid.\n');
      const shipped = await run('npx', ['zpi', 'validate', 'node_modules/zpi/examples/first-setup.yaml', 'node_modules/zpi/examples/portal-swap.yaml'], project);
      expect(shipped.code, shipped.stderr).toBe(0);
    });

    it('npx zpi plan --sandbox finds its seed org inside the package, not in the project', async () => {
      const r = await run('npx', ['zpi', 'plan', '--sandbox', '--detailed-exitcode'], project);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toContain('Plan: 3 to add, 3 to change, 1 to remove. 0 destructive.');
      expect(existsSync(join(project, '.zpi/sandbox.json'))).toBe(true);
    });

    it('imports as a library through its main entry', async () => {
      const r = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('zpi'); console.log(typeof m === 'object')"], project);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('true\n');
    });
  });
});
