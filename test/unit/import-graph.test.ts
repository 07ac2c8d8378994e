/**
 * DESIGN §1: data flows one way (cli → manifest → provider.read → plan → render → apply →
 * provider.write). The core (model, manifest, plan) never imports provider, sandbox, apply or cli; the
 * sandbox and the client never import each other: they meet only on the wire. This test reads every
 * import in src/ (static, re-exports and dynamic import()) and fails on any arrow the table below does
 * not allow. A room is a folder of src/ (src/index.ts is a room of its own); a room may always import
 * itself. A new folder fails here until it is given a row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * What each room may import besides itself. `room` allows every file of it; `room/file.ts` that file
 * only; `room:types` type-only imports of it (`import type`, or `type` on every name).
 */
const MAY_IMPORT: Record<string, readonly string[] | 'anything'> = {
  // The shared vocabulary (Desired, Live, Step, Plan, errors…): imports only itself.
  model: [],
  // YAML → Desired. schema/ holds validators generated from schema/*.json (imports no zpi code).
  manifest: ['model', 'schema'],
  // Pure: plan(desired, live) → Plan.
  plan: ['model'],
  // Plan → text; it may name plan's result types (an access row, an explanation), never call plan.
  render: ['model', 'plan:types', 'schema'],
  // The Zoho client: the Provider interface and its HTTP implementation.
  provider: ['model', 'retry'],
  // How failed calls are retried (p-retry): shared by the client's reads and the executor's steps.
  retry: ['model'],
  // The executor: a Plan's steps against the Provider interface (never the client's internals).
  apply: ['model', 'provider/provider.ts', 'retry', 'lock'],
  // The record (DESIGN §5a): read, written, reconciled with what plan() sees.
  record: ['model', 'plan', 'schema'],
  // The emulator: never the client (they meet only on the wire).
  sandbox: ['model', 'lock'],
  // Machine-wide locks (apply, the sandbox's state file).
  lock: ['model'],
  // Generated validators (npm run gen:validators): no zpi imports.
  schema: [],
  // The planning shell (gathers manifest, live state and record, then plans): not the CLI, not the sandbox.
  run: ['model', 'manifest', 'plan', 'render', 'provider', 'retry', 'apply', 'record', 'lock', 'schema'],
  // Wiring only: flags → calls → exit codes.
  cli: 'anything',
  // The public API.
  'index.ts': 'anything',
};

interface Arrow {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const STATIC = /^[ \t]*(import|export)\s+(type\s+)?([^;]*?)\s*\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every relative import of `file`, as paths relative to src/. */
function arrowsOf(file: string): Arrow[] {
  const text = readFileSync(file, 'utf8');
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(STATIC)) {
    const names = (m[3] ?? '').trim();
    // `import { type A, type B }` is type-only too; `import X, { type A }` is not.
    const braced = /^\{([\s\S]*)\}$/.exec(names);
    const allTyped = braced !== null && braced[1]!.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '));
    found.push({ spec: m[4] as string, typeOnly: m[2] !== undefined || allTyped });
  }
  for (const m of text.matchAll(SIDE_EFFECT)) found.push({ spec: m[1] as string, typeOnly: false });
  for (const m of text.matchAll(DYNAMIC)) found.push({ spec: m[1] as string, typeOnly: false });
  return found
    .filter((f) => f.spec.startsWith('.'))
    .map((f) => ({
      from: relative(SRC, file),
      to: relative(SRC, resolve(dirname(file), f.spec)).replace(/\.js$/, '.ts'),
      typeOnly: f.typeOnly,
    }));
}

const roomOf = (path: string): string => (path.includes('/') ? (path.split('/')[0] as string) : path);

/** Why the arrow is against the table, or undefined when it is allowed. */
function violation({ from, to, typeOnly }: Arrow): string | undefined {
  const room = roomOf(from);
  const target = roomOf(to);
  const allowed = MAY_IMPORT[room];
  if (allowed === undefined) return `${from}: src/${room} has no row in MAY_IMPORT; give it one (DESIGN §1)`;
  if (allowed === 'anything' || target === room) return undefined;
  if (allowed.includes(target) || allowed.includes(to) || (typeOnly && allowed.includes(`${target}:types`))) return undefined;
  return `${from} → ${to}${typeOnly ? ' (types)' : ''}: ${room} may import ${allowed.length > 0 ? allowed.join(', ') : 'only itself'}`;
}

describe('the import graph follows DESIGN §1', () => {
  const arrows = sourceFiles(SRC).flatMap(arrowsOf);

  it('reads the imports (a parser that finds none would pass anything)', () => {
    expect(arrows.length).toBeGreaterThan(300);
    expect(arrows).toContainEqual({ from: 'cli/target.ts', to: 'provider/index.ts', typeOnly: false });
    expect(arrows).toContainEqual({ from: 'render/render-access.ts', to: 'plan/access-review.ts', typeOnly: true });
  });

  it('has no arrow against the table', () => {
    expect(arrows.map(violation).filter((v) => v !== undefined)).toEqual([]);
  });

  it('every import points at a file that exists', () => {
    const files = new Set(sourceFiles(SRC).map((f) => relative(SRC, f)));
    expect(arrows.filter((a) => !files.has(a.to)).map((a) => `${a.from} → ${a.to}`)).toEqual([]);
  });

  it('catches an arrow against the flow', () => {
    expect(violation({ from: 'model/permissions.ts', to: 'manifest/manifest.gen.ts', typeOnly: true })).toMatch(/model may import only itself/);
    expect(violation({ from: 'sandbox/server.ts', to: 'provider/zoho-client.ts', typeOnly: false })).toMatch(/sandbox may import/);
    expect(violation({ from: 'apply/call-unit.ts', to: 'provider/zoho-client.ts', typeOnly: false })).toMatch(/apply may import/);
    expect(violation({ from: 'render/render-explain.ts', to: 'plan/explain.ts', typeOnly: false })).toMatch(/render may import/);
    expect(violation({ from: 'run/get-plan.ts', to: 'cli/io.ts', typeOnly: false })).toMatch(/run may import/);
    expect(violation({ from: 'novel/x.ts', to: 'model/plan.ts', typeOnly: false })).toMatch(/no row in MAY_IMPORT/);
  });
});
