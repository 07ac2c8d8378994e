/**
 * The GitOps loop of examples/ci/github-actions.yml, exercised for real: the workflow is parsed,
 * its own `npx zpi …` command lines run against the sandbox through the harness (plan → Markdown
 * file and plan.json, show, apply, drift), and then its shell steps and comment script run as
 * GitHub would run them (bash -eo pipefail, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, a fake PR).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { MARKDOWN_LIMIT, MARKDOWN_MARKER } from '../../src/render/index.js';
import { ROOT, SECRETS, secretSeed, useE2E } from './harness.js';
import {
  fakePullRequest,
  fakeSecrets,
  findStep,
  loadWorkflow,
  runGithubScript,
  runStep,
  zpiCommands,
  type FakeContext,
  type ZpiCommand,
} from './gitops-workflow.js';

const { text, doc } = loadWorkflow();
const SECRET_NAMES = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZPI_ZSC_KEY', 'ZOHO_DC'];
const MANIFEST = readFileSync(join(ROOT, 'integration.yaml'), 'utf8');

/** The same org changed behind zpi's back: heidi removed, Sales Rep may now create. */
const DRIFTED = MANIFEST.replace('  - email: heidi@acme.com\n', '').replace('Sales Rep: [view]', 'Sales Rep: [view, create]');

function command(job: string, sub: string, predicate: (c: ZpiCommand) => boolean = () => true): ZpiCommand {
  const c = zpiCommands(doc).find((x) => x.job === job && x.args[0] === sub && predicate(x));
  if (!c) throw new Error(`the workflow has no "zpi ${sub}" in job ${job}`);
  return c;
}

describe('examples/ci/github-actions.yml', () => {
  it('is valid YAML with pull-request, push-to-main and scheduled triggers', () => {
    expect(doc.name).toBe('zpi');
    expect(Object.keys(doc.on)).toEqual(expect.arrayContaining(['pull_request', 'push', 'schedule']));
    expect(doc.on.pull_request.paths).toContain('integration.yaml');
    expect(doc.on.push.branches).toEqual(['main']);
    expect(doc.on.push.paths).toContain('integration.yaml');
    expect(doc.on.schedule[0].cron).toMatch(/^(\S+ ){4}\S+$/);
    expect(Object.keys(doc.jobs).sort()).toEqual(['apply', 'drift', 'plan']);
    expect(doc.jobs.plan?.if).toContain("github.event_name == 'pull_request'");
    expect(doc.jobs.apply?.if).toContain("github.event_name == 'push'");
    expect(doc.jobs.drift?.if).toContain("github.event_name == 'schedule'");
    expect(doc.defaults?.run?.shell).toBe('bash');
  });

  it('runs one apply per org at a time, never cancelling one in progress', () => {
    const c = doc.jobs.apply?.concurrency;
    expect(c?.group).toMatch(/^zpi-apply-\$\{\{ vars\.ZOHO_ORG_ID \|\| github\.repository \}\}$/);
    expect(c?.['cancel-in-progress']).toBe(false);
    // The PR plan and drift jobs never take that lock: a waiting drift run would replace a waiting apply.
    expect(doc.jobs.plan?.concurrency).toBeUndefined();
    expect(doc.jobs.drift?.concurrency).toBeUndefined();
  });

  it('takes every credential from secrets.*, never a literal, and gives the ZSC key to apply only', () => {
    for (const [name, job] of Object.entries(doc.jobs)) {
      const envs = [job.env ?? {}, ...job.steps.map((s) => s.env ?? {})];
      for (const env of envs) {
        for (const [k, v] of Object.entries(env)) {
          if (SECRET_NAMES.includes(k)) expect(v, `${name}: ${k}`).toBe(`\${{ secrets.${k} }}`);
        }
      }
      for (const k of ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_DC']) {
        expect(job.env?.[k], `${name}: ${k}`).toBe(`\${{ secrets.${k} }}`);
      }
      expect(job.env?.ZPI_ZSC_KEY, name).toBe(name === 'apply' ? '${{ secrets.ZPI_ZSC_KEY }}' : undefined);
    }
    // No secret values, no sandbox credentials, no Zoho token shapes anywhere in the file.
    for (const s of Object.values(SECRETS)) expect(text).not.toContain(s);
    expect(text).not.toMatch(/\b1000\.[0-9a-f]{20,}/i);
    expect(text).not.toMatch(/zsc-\d+-secret/);
    expect(text).not.toMatch(/--sandbox|ZPI_ENDPOINT/);
    // The manifest the workflow plans references the ZSC key; it never holds it.
    expect(MANIFEST).toContain('zscKey: ${ZPI_ZSC_KEY}');
  });

  it('grants least privilege: read-only, pull-requests: write for the plan job only', () => {
    expect(doc.permissions).toEqual({ contents: 'read' });
    expect(doc.jobs.plan?.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    // The apply job commits the record back to main; nothing else writes.
    expect(doc.jobs.apply?.permissions).toEqual({ contents: 'write' });
    expect(doc.jobs.drift?.permissions).toEqual({ contents: 'read' });
  });

  it('keeps ${{ }} expressions out of shell scripts (no script injection) and comments every job', () => {
    for (const job of Object.values(doc.jobs)) for (const s of job.steps) expect(s.run ?? '').not.toContain('${{');
    for (const job of ['plan', 'apply', 'drift']) {
      const at = text.indexOf(`\n  ${job}:\n`);
      expect(at, job).toBeGreaterThan(0);
      expect(text.slice(0, at).trimEnd().split('\n').pop(), `a comment above job ${job}`).toMatch(/^\s*#/);
    }
  });

  it('finds its plan comment by the marker zpi renders, and updates it in place', () => {
    const script = String(findStep(doc, 'plan', 'Post or update the plan comment').with?.script);
    expect(script).toContain(`'${MARKDOWN_MARKER}'`);
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    expect(findStep(doc, 'plan', 'Post or update the plan comment').uses).toMatch(/^actions\/github-script@v\d+$/);
  });

  it('has the zpi command lines the issue asks for', () => {
    const lines = zpiCommands(doc).map((c) => `${c.job}: ${c.line}`);
    expect(lines).toEqual([
      'plan: npx zpi validate',
      'plan: npx zpi plan --format markdown --detailed-exitcode --out plan.json > plan.md',
      'apply: npx zpi apply --auto-approve --json "${flags[@]}" > apply-events.jsonl',
      'drift: npx zpi plan --detailed-exitcode --out plan.json',
      'drift: npx zpi show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
      'drift: npx zpi show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    ]);
  });
});

describe('the workflow’s zpi command lines against the sandbox', () => {
  const t = useE2E({}, (t) => writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST));

  let planMarkdown = '';

  it('validate, then plan → a Markdown comment and plan.json, exit 2 with changes', async () => {
    const validate = await t.run(command('plan', 'validate').args);
    expect(validate.code).toBe(0);

    const plan = command('plan', 'plan');
    expect(plan.stdoutTo).toBe('plan.md');
    const r = await t.run(plan.args);
    expect(r.code, r.stderr).toBe(2);
    planMarkdown = r.stdout;
    writeFileSync(join(t.dir, 'plan.md'), planMarkdown);
    expect(planMarkdown.startsWith('**Plan: 3 to add, 3 to change, 1 to remove. 0 destructive.**\n')).toBe(true);
    expect(planMarkdown).toContain(MARKDOWN_MARKER);
    expect(planMarkdown.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(planMarkdown).toContain('<details>');
    // The human lines went to stderr, so the redirected file is the comment and nothing else.
    expect(r.stderr).toContain('Saved the plan to plan.json');
    expect(statSync(join(t.dir, 'plan.json')).mode & 0o777).toBe(0o600);
  });

  it('zpi show plan.json --format markdown is byte-for-byte the plan’s Markdown', async () => {
    const show = command('drift', 'show');
    expect(show.args).toEqual(['show', 'plan.json', '--format', 'markdown']);
    const r = await t.run(show.args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(planMarkdown);
  });

  it('apply (exit 0), then the drift job’s plan has nothing to do (exit 0)', async () => {
    const apply = command('apply', 'apply');
    expect(apply.args).toEqual(['apply', '--auto-approve', '--json']);
    const r = await t.run(apply.args);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; ok?: boolean });
    expect(events.at(-1)).toMatchObject({ type: 'summary', ok: true });

    const drift = command('drift', 'plan');
    expect(drift.args).toEqual(['plan', '--detailed-exitcode', '--out', 'plan.json']);
    const d = await t.run(drift.args);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain('No changes.');
  });

  it('drift: a change made behind zpi’s back makes the drift plan exit 3, and apply puts it back', async () => {
    // Another manifest applied from elsewhere keeps its own record: for integration.yaml's record
    // this is a change made outside.
    writeFileSync(join(t.dir, 'drifted.yaml'), DRIFTED);
    const behind = await t.run(['apply', '-f', 'drifted.yaml', '--auto-approve']);
    expect(behind.code, behind.stderr).toBe(0);

    const drift = await t.run(command('drift', 'plan').args);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toMatch(/^Changed outside zpi since the record/m);
    expect(drift.stdout).toMatch(/^ {2}- user +heidi@acme\.com +access → no access +\(this plan puts it back\)$/m);
    expect(drift.stdout).toContain('profile Sales Rep');

    expect((await t.run(command('apply', 'apply').args)).code).toBe(0);
    expect((await t.run(command('drift', 'plan').args)).code).toBe(0);
  });
});

describe('the workflow’s steps, run as GitHub runs them', () => {
  let zohoOnly: SandboxHandle;
  const ctx: FakeContext = { secrets: fakeSecrets() };
  const t = useE2E({}, async (t) => {
    writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST);
    // Real Zoho's shape: no API for the integration's settings (every step is manual).
    zohoOnly = await startSandbox({ port: 0, seed: secretSeed() as never, zohoOnly: true, faults: '', limits: '' });
  });
  afterAll(async () => {
    await zohoOnly.close();
  });

  const pr = fakePullRequest([
    // Someone quoting the marker in a review must not have their comment taken over.
    { id: 1, body: `see the plan below ${MARKDOWN_MARKER}`, user: { login: 'alice', type: 'User' }, html_url: 'u' },
  ]);

  async function planJob(secrets = ctx.secrets): Promise<{ exitcode: string; code: number; stderr: string }> {
    const c = { ...ctx, secrets };
    const check = await runStep(t, doc, 'plan', 'Check the Zoho secrets', c);
    if (check.code !== 0) return { exitcode: '', code: check.code, stderr: check.stdout + check.stderr };
    expect((await runStep(t, doc, 'plan', 'Validate integration.yaml', c)).code).toBe(0);
    const plan = await runStep(t, doc, 'plan', 'Plan', c);
    const exitcode = plan.outputs.exitcode ?? '';
    if (exitcode !== '') {
      await runGithubScript(doc, 'plan', 'Post or update the plan comment', { ...c, steps: { plan: { exitcode } } }, pr, t.dir);
    }
    return { exitcode, code: plan.code, stderr: plan.stdout + plan.stderr };
  }

  it('pull request: plans, and posts one comment with the plan', async () => {
    const r = await planJob();
    expect(r).toMatchObject({ exitcode: '2', code: 0 });
    expect(pr.writes.map((w) => w.op)).toEqual(['create']);
    const body = pr.comments.at(-1)?.body ?? '';
    expect(body.startsWith(readFileSync(join(t.dir, 'plan.md'), 'utf8'))).toBe(true);
    expect(body).toMatch(/^\*\*Plan: 3 to add, 3 to change, 1 to remove\. 0 destructive\.\*\*/);
    expect(body).toContain('zpi plan of abc1234 · [workflow run](https://github.com/acme/zoho-config/actions/runs/4242)');
    expect(body.length).toBeLessThan(65_536);
    expect(pr.comments[0]?.body).toBe(`see the plan below ${MARKDOWN_MARKER}`);
  });

  it('another push to the pull request updates that comment in place', async () => {
    writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST.replace('Sales Rep: [view]', 'Sales Rep: []'));
    pr.headSha = 'fedcba9876543';
    const r = await planJob();
    expect(r.exitcode).toBe('2');
    expect(pr.writes.map((w) => w.op)).toEqual(['create', 'update']);
    expect(pr.writes[1]?.id).toBe(pr.writes[0]?.id);
    expect(pr.comments.filter((c) => c.body.includes(MARKDOWN_MARKER))).toHaveLength(2); // alice's and the one plan comment
    expect(pr.comments.at(-1)?.body).toContain('zpi plan of fedcba9');
    writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST);
  });

  it('a failing plan fails the job and marks the comment as failed, so an old plan never looks current', async () => {
    const r = await planJob(fakeSecrets({ ZOHO_REFRESH_TOKEN: 'revoked-token' }));
    expect(r.exitcode).toBe('1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('::error title=zpi plan failed::');
    expect(pr.writes.at(-1)).toMatchObject({ op: 'update', id: pr.writes[0]?.id });
    expect(pr.comments.at(-1)?.body).toMatch(/^\*\*zpi plan failed\*\*/);
    expect(pr.comments.at(-1)?.body).toContain(MARKDOWN_MARKER);
  });

  it('missing secrets (a fork) stop the job before zpi could fall back to the sandbox', async () => {
    const r = await planJob(fakeSecrets({ ZOHO_CLIENT_SECRET: '', ZOHO_REFRESH_TOKEN: '' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('::error title=Missing secret::ZOHO_CLIENT_SECRET is not set');
  });

  it('push to main: applies, with a job summary built from the --json events', async () => {
    const r = await runStep(t, doc, 'apply', 'Apply', ctx);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Apply complete: 3 added, 3 changed, 1 removed.');
    expect(r.summary).toContain('### zpi apply');
    expect(r.summary).toContain('7 steps done, 0 left, 0 retried calls.');
    expect(r.summary).toContain('| 2/7 | set-profile-permissions:Sales Rep | done | 0 |');
    const events = readFileSync(join(t.dir, 'apply-events.jsonl'), 'utf8').trim().split('\n');
    expect(events.map((l) => (JSON.parse(l) as { type: string }).type).at(-1)).toBe('summary');

    const again = await runStep(t, doc, 'apply', 'Apply', ctx);
    expect(again.code).toBe(0);
    expect(again.summary).toContain('No changes: the org already matched integration.yaml.');
  });

  it('pull request with no changes: no new comment; the existing one now says so', async () => {
    const r = await planJob();
    expect(r.exitcode).toBe('0');
    expect(pr.writes.filter((w) => w.op === 'create')).toHaveLength(1);
    expect(pr.comments.at(-1)?.body).toMatch(/^\*\*No changes\./);

    const fresh = fakePullRequest();
    await runGithubScript(doc, 'plan', 'Post or update the plan comment', { ...ctx, steps: { plan: { exitcode: '0' } } }, fresh, t.dir);
    expect(fresh.writes).toEqual([]);
  });

  it('scheduled drift check: passes when the org matches, fails with a clear message after a change behind zpi’s back', async () => {
    const ok = await runStep(t, doc, 'drift', 'Detect drift', ctx);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('No drift: the org matches integration.yaml.');

    writeFileSync(join(t.dir, 'drifted.yaml'), DRIFTED);
    expect((await t.run(['apply', '-f', 'drifted.yaml', '--auto-approve'])).code).toBe(0);

    const drifted = await runStep(t, doc, 'drift', 'Detect drift', ctx);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('::error title=Drift detected::The org no longer matches the record');
    expect(drifted.summary).toContain('Changed outside zpi since the record');
    expect(drifted.summary).toMatch(/^\*\*Plan: /);
    expect(drifted.summary).toContain(MARKDOWN_MARKER);
  });

  it('push to main: the record apply wrote is committed back to main, once', async () => {
    const remote = mkdtempSync(join(tmpdir(), 'zpi-gitops-remote-'));
    const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: t.dir } });
    try {
      git(remote, 'init', '-q', '--bare', '-b', 'main');
      git(t.dir, 'init', '-q', '-b', 'main');
      git(t.dir, 'remote', 'add', 'origin', remote);
      git(t.dir, 'add', 'integration.yaml');
      git(t.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'manifest');
      expect(existsSync(join(t.dir, 'integration.state.json'))).toBe(true);
      const first = await runStep(t, doc, 'apply', 'Commit the record', ctx);
      expect(first.code, first.stderr).toBe(0);
      expect(git(remote, 'log', '--format=%s', 'main')).toBe('zpi: record what apply did\nmanifest\n');
      expect(git(remote, 'show', 'main:integration.state.json')).toBe(readFileSync(join(t.dir, 'integration.state.json'), 'utf8'));
      const again = await runStep(t, doc, 'apply', 'Commit the record', ctx);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('The record is unchanged.');
    } finally {
      rmSync(join(t.dir, '.git'), { recursive: true, force: true });
      rmSync(remote, { recursive: true, force: true });
    }
  });

  it('apply refuses a destructive change unless started by hand with allow_destructive', async () => {
    writeFileSync(join(t.dir, 'integration.yaml'), readFileSync(join(ROOT, 'examples/portal-swap.yaml'), 'utf8'));
    const swapCtx: FakeContext = { secrets: fakeSecrets({ ZPI_ZSC_KEY: SECRETS.zsc7002 }) };
    const refused = await runStep(t, doc, 'apply', 'Apply', swapCtx);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--allow-destructive');
    expect(refused.summary).toContain('zpi stopped before applying anything');

    const allowed = await runStep(t, doc, 'apply', 'Apply', { ...swapCtx, inputs: { allow_destructive: 'true' } });
    expect(allowed.code, allowed.stderr).toBe(0);
    writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST);
  });

  it('real Zoho (no API for the settings): apply warns about manual steps, drift says Setup steps are pending', async () => {
    // A repository that has never confirmed Setup: no record yet.
    rmSync(join(t.dir, 'integration.state.json'), { force: true });
    const env = { ZPI_ENDPOINT: zohoOnly.url };
    const apply = await runStep(t, doc, 'apply', 'Apply', ctx, env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('::warning title=Manual steps in Zoho CRM Setup::');
    expect(apply.stderr).toContain('In Zoho CRM, as an administrator: Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.');
    expect(apply.summary).toContain('Stopped before manual step associate-portal:acme-projects');
    // Nothing was confirmed, so nothing was recorded.
    expect(existsSync(join(t.dir, 'integration.state.json'))).toBe(false);

    const drift = await runStep(t, doc, 'drift', 'Detect drift', ctx, env);
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.stdout).toContain('::warning title=Setup steps pending::');
    expect(drift.summary).toContain('Runbook: 3 Setup screens to visit in Zoho CRM');

    // Errors are still errors: a manifest naming an inactive user fails the drift job.
    writeFileSync(join(t.dir, 'integration.yaml'), `${MANIFEST}  - email: ursula@acme.com\n`);
    const bad = await runStep(t, doc, 'drift', 'Detect drift', ctx, env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('::error title=zpi plan failed::');
    writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST);
  });
});
