/**
 * Runs examples/ci/github-actions.yml's own shell steps and comment script outside GitHub, against
 * the e2e harness's sandbox: `npx zpi` is a shim for the built CLI, `${{ … }}` env values are
 * resolved from a fake secrets/inputs/steps context, and the github-script step runs against an
 * in-memory pull request. Everything a step prints is written under the harness dir so close()
 * scans it for secrets.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { BIN, ROOT, SECRETS, type E2E } from './harness.js';

export const WORKFLOW_FILE = join(ROOT, 'examples/ci/github-actions.yml');

export interface WfStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
export interface WfJob {
  if?: string;
  'runs-on'?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  env?: Record<string, string>;
  steps: WfStep[];
}
export interface Workflow {
  name: string;
  on: Record<string, any>;
  permissions: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, WfJob>;
}

export function loadWorkflow(): { text: string; doc: Workflow } {
  const text = readFileSync(WORKFLOW_FILE, 'utf8');
  return { text, doc: parse(text) as Workflow };
}

export function findStep(doc: Workflow, job: string, name: string): WfStep {
  const step = doc.jobs[job]?.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no step "${name}" in job ${job}`);
  return step;
}

export interface ZpiCommand {
  job: string;
  step: string;
  line: string;
  /** The arguments after `npx zpi`, shell expansions ("${flags[@]}") dropped. */
  args: string[];
  /** `> FILE` or `>> FILE`: where the step sends stdout. */
  stdoutTo?: string;
}

/** Every `npx zpi …` command line in the workflow's run: steps, tokenised the way bash would for these simple lines. */
export function zpiCommands(doc: Workflow): ZpiCommand[] {
  const found: ZpiCommand[] = [];
  for (const [job, j] of Object.entries(doc.jobs)) {
    for (const s of j.steps) {
      for (const raw of (s.run ?? '').split('\n')) {
        const at = raw.indexOf('npx zpi ');
        if (at < 0 || raw.trimStart().startsWith('#')) continue;
        const line = raw.slice(at).replace(/\s+#.*$/, '').trim();
        const tokens = line.slice('npx zpi '.length).split(/\s+/);
        const args: string[] = [];
        let stdoutTo: string | undefined;
        for (let i = 0; i < tokens.length; i++) {
          const tok = tokens[i] as string;
          if (tok === '>' || tok === '>>') {
            stdoutTo = (tokens[i + 1] ?? '').replace(/^"|"$/g, '');
            break;
          }
          if (tok === '|' || tok === '&&' || tok === ';' || tok === ')') break;
          if (tok.includes('$')) continue; // "${flags[@]}": optional flags the step adds from inputs
          args.push(tok.replace(/^'|'$/g, ''));
        }
        found.push({ job, step: s.name ?? s.uses ?? '?', line, args, ...(stdoutTo ? { stdoutTo } : {}) });
      }
    }
  }
  return found;
}

export interface FakeContext {
  secrets: Record<string, string>;
  inputs?: Record<string, string>;
  steps?: Record<string, Record<string, string>>;
  vars?: Record<string, string>;
}

/** The secrets a repository would hold, set to the harness's known values. */
export function fakeSecrets(over: Record<string, string> = {}): Record<string, string> {
  return {
    ZOHO_CLIENT_ID: SECRETS.clientId,
    ZOHO_CLIENT_SECRET: SECRETS.clientSecret,
    ZOHO_REFRESH_TOKEN: SECRETS.refreshToken,
    ZOHO_DC: '',
    ZPI_ZSC_KEY: SECRETS.zsc7001,
    ...over,
  };
}

/** Resolves an env value the way Actions would; only the plain `${{ ctx.name }}` form is allowed in env blocks. */
export function resolveEnvValue(value: string, ctx: FakeContext): string {
  if (!value.includes('${{')) return value;
  const m = /^\$\{\{\s*(secrets|inputs|vars|steps\.([\w-]+)\.outputs)\.([\w-]+)\s*\}\}$/.exec(value);
  if (!m) throw new Error(`unsupported expression in env: ${value}`);
  const [, kind, stepId, name] = m as unknown as [string, string, string | undefined, string];
  if (kind === 'secrets') return ctx.secrets[name] ?? '';
  if (kind === 'inputs') return ctx.inputs?.[name] ?? '';
  if (kind === 'vars') return ctx.vars?.[name] ?? '';
  return ctx.steps?.[stepId as string]?.[name] ?? '';
}

export function resolveEnv(env: Record<string, string> | undefined, ctx: FakeContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = resolveEnvValue(String(v), ctx);
  return out;
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  /** key=value lines the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the step appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
}

let stepNo = 0;

/** Puts an `npx` on PATH that runs only the built zpi (no registry, no network). */
function npxShim(dir: string): string {
  const shimDir = join(dir, '.shim');
  if (!existsSync(join(shimDir, 'npx'))) {
    mkdirSync(shimDir, { recursive: true });
    writeFileSync(
      join(shimDir, 'npx'),
      `#!/bin/sh\nif [ "$1" != zpi ]; then echo "npx shim: only zpi is available here" >&2; exit 127; fi\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`,
    );
    chmodSync(join(shimDir, 'npx'), 0o755);
  }
  return shimDir;
}

/**
 * Runs one `run:` step the way GitHub does for `shell: bash` (bash --noprofile --norc -eo pipefail
 * on a script file), in the harness dir, with the job's and step's env resolved from `ctx`.
 */
export async function runStep(
  t: E2E,
  doc: Workflow,
  job: string,
  name: string,
  ctx: FakeContext,
  extraEnv: Record<string, string> = {},
): Promise<StepResult> {
  const step = findStep(doc, job, name);
  if (!step.run) throw new Error(`step "${name}" has no run:`);
  const n = ++stepNo;
  const work = join(t.dir, '.steps');
  mkdirSync(work, { recursive: true });
  const script = join(work, `step-${n}.sh`);
  const outputFile = join(work, `output-${n}`);
  const summaryFile = join(work, `summary-${n}.md`);
  writeFileSync(script, step.run);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: `${npxShim(t.dir)}:${process.env.PATH ?? ''}`,
    HOME: t.dir,
    NO_COLOR: '1',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ZPI_ENDPOINT: t.sandbox.url,
    ZPI_RETRY_MIN_MS: '1',
    ZPI_RETRY_MAX_MS: '20',
    ...resolveEnv(doc.jobs[job]?.env, ctx),
    ...resolveEnv(step.env, ctx),
    ...extraEnv,
  };
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((res, rej) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: t.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', rej);
    child.on('close', (c) => res({ code: c ?? -1, stdout: out, stderr: err }));
  });
  // Kept under the harness dir: close() scans every file there for the known secrets.
  writeFileSync(join(work, `log-${n}.txt`), `${stdout}\n--- stderr ---\n${stderr}`);
  const outputs: Record<string, string> = {};
  for (const l of readFileSync(outputFile, 'utf8').split('\n')) {
    const eq = l.indexOf('=');
    if (eq > 0) outputs[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return { code, stdout, stderr, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  html_url: string;
}

export interface FakePullRequest {
  number: number;
  headSha: string;
  comments: FakeComment[];
  /** Every write the script made, in order. */
  writes: Array<{ op: 'create' | 'update'; id: number; body: string }>;
}

export function fakePullRequest(comments: FakeComment[] = []): FakePullRequest {
  return { number: 7, headSha: 'abc1234def5678', comments, writes: [] };
}

/**
 * Runs an actions/github-script step's script as github-script would (an async function of
 * github, context, core, require), against `pr` instead of GitHub's API, in `cwd`.
 */
export async function runGithubScript(
  doc: Workflow,
  job: string,
  name: string,
  ctx: FakeContext,
  pr: FakePullRequest,
  cwd: string,
): Promise<{ logs: string[] }> {
  const step = findStep(doc, job, name);
  const script = step.with?.script;
  if (typeof script !== 'string') throw new Error(`step "${name}" has no github-script script`);
  const env = resolveEnv(step.env, ctx);
  const logs: string[] = [];
  let nextId = 1000 + pr.comments.length;
  const issues = {
    listComments: async (p: { issue_number: number; per_page?: number }) => {
      if (p.issue_number !== pr.number) throw new Error(`listComments on #${p.issue_number}`);
      return { data: pr.comments.map((c) => ({ ...c })) };
    },
    updateComment: async (p: { comment_id: number; body: string }) => {
      const c = pr.comments.find((x) => x.id === p.comment_id);
      if (!c) throw new Error(`no comment ${p.comment_id}`);
      if (c.user.type !== 'Bot') throw new Error('403: cannot edit a person’s comment');
      c.body = p.body;
      pr.writes.push({ op: 'update', id: c.id, body: p.body });
      return { data: c };
    },
    createComment: async (p: { issue_number: number; body: string }) => {
      const c: FakeComment = {
        id: nextId++,
        body: p.body,
        user: { login: 'github-actions[bot]', type: 'Bot' },
        html_url: `https://github.com/acme/zoho-config/pull/${pr.number}#issuecomment-${nextId}`,
      };
      pr.comments.push(c);
      pr.writes.push({ op: 'create', id: c.id, body: p.body });
      return { data: c };
    },
  };
  const github = {
    rest: { issues },
    paginate: async (fn: (p: any) => Promise<{ data: unknown[] }>, params: unknown) => (await fn(params)).data,
  };
  const context = {
    repo: { owner: 'acme', repo: 'zoho-config' },
    issue: { number: pr.number },
    serverUrl: 'https://github.com',
    runId: 4242,
    payload: { pull_request: { number: pr.number, head: { sha: pr.headSha } } },
  };
  const core = { info: (m: string) => logs.push(m), warning: (m: string) => logs.push(`warning: ${m}`), setFailed: (m: string) => logs.push(`failed: ${m}`) };
  const realRequire = createRequire(import.meta.url);
  const fsInCwd = { ...fs, readFileSync: (p: string, enc?: BufferEncoding) => fs.readFileSync(resolve(cwd, p), enc) };
  const req = (id: string): unknown => (id === 'fs' || id === 'node:fs' ? fsInCwd : realRequire(id));
  const fakeProcess = { env: { ...env } };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
  const fn = new AsyncFunction('github', 'context', 'core', 'require', 'process', script);
  await fn(github, context, core, req, fakeProcess);
  return { logs };
}
