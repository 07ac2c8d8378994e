#!/usr/bin/env node
// npm run bench [-- --quick] [-- --out FILE] [-- --sizes 1000,10000]
//
// Runs the BUILT CLI (bin/zpi.js over dist/) against the sandbox, started as a child process of its
// own (`zpi sandbox`) with Zoho's limits switched on, for generated orgs of 1,000, 10,000 and
// 100,000 users (--quick: 10,000 only), and writes bench/RESULTS.md (--quick: bench/RESULTS-quick.md).
// See bench/generate.mjs for the orgs and the manifest, and the targets below for what is checked.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedChanges, generateManifest, generateState, ZSC_KEY } from './generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'zpi.js');
const TIME = '/usr/bin/time';
const LIMITS = 'concurrency=5,projects=100/120s';
const LATENCY_MS = 20;
const CONCURRENCY = 5;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outArg = args.indexOf('--out');
const OUT = outArg >= 0 ? args[outArg + 1] : join(ROOT, 'bench', quick ? 'RESULTS-quick.md' : 'RESULTS.md');
const sizesArg = args.indexOf('--sizes'); // e.g. --sizes 1000,10000 (for trying things out)
const SIZES = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : quick ? [10_000] : [1_000, 10_000, 100_000];

const TARGETS = {
  callsPerFloor: 1.05,
  planOverValidate: 1.3, // at 10,000 users, no latency
  purePlanMs: 100, // at 100,000 users
  manifestDiffMs: 2000, // `plan --diff`'s unified diff, at 100,000 users (test/unit/render/render-diff.test.ts checks what it prints)
  planRssMiB: 300, // at 100,000 users
  latencySlack: 1.3,
};

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('bench: dist/ is missing; run `npm run bench` (it builds first) or `npm run build`.');
  process.exit(1);
}
const haveTime = existsSync(TIME);
const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Keeps the last `max` characters of a stream: enough for messages, never megabytes of plan text. */
function tail(max = 4000) {
  let text = '';
  return {
    add(chunk) {
      text = (text + chunk).slice(-max);
    },
    get text() {
      return text;
    },
  };
}

/** Runs `node bin/zpi.js …`; wall time around the whole process; peak RSS from /usr/bin/time -v when present. */
function zpi(cliArgs, { cwd, env, rss = false }) {
  const useTime = rss && haveTime;
  const cmd = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-v', process.execPath, BIN, ...cliArgs] : [BIN, ...cliArgs];
  return new Promise((resolve, reject) => {
    const out = tail();
    let head = '';
    const err = tail(useTime ? 20_000 : 4000);
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (c) => {
      if (head.length < 2000) head += c.slice(0, 2000 - head.length);
      out.add(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c) => err.add(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err.text);
      resolve({ code, ms, head, stdout: out.text, stderr: err.text, rssKiB: m ? Number(m[1]) : undefined });
    });
  });
}

/** `zpi sandbox` as a child process; counts the request lines it prints (one per request). */
async function startSandbox(dir, tag, seedFile, faults) {
  const argv = [BIN, 'sandbox', '--port', '0', '--state', join(dir, `state-${tag}.json`), '--seed', seedFile, '--limits', LIMITS];
  if (faults) argv.push('--faults', faults);
  const child = spawn(process.execPath, argv, { cwd: dir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const counts = { requests: 0, byStatus: {} };
  const errors = tail();
  let url;
  let pending = '';
  const ready = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (url ? undefined : reject(new Error(`sandbox exited (${code}): ${errors.text}`))));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const listening = /listening on (http:\/\/\S+)/.exec(line);
        if (listening && !url) {
          url = listening[1];
          resolve();
        }
        const req = /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ (\S+) \d+ms/.exec(line);
        if (req) {
          counts.requests++;
          counts.byStatus[req[2]] = (counts.byStatus[req[2]] ?? 0) + 1;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c) => errors.add(c));
  });
  await ready;
  const closed = new Promise((resolve) => child.on('close', resolve));
  return {
    url,
    counts,
    async stop() {
      child.kill('SIGTERM');
      await closed;
      return counts;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

function baseEnv() {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NO_COLOR: '1' };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return env;
}

function cliEnv(url, statsFile) {
  return {
    ...baseEnv(),
    ZPI_ENDPOINT: url,
    ZOHO_CLIENT_ID: 'sandbox',
    ZOHO_CLIENT_SECRET: 'sandbox',
    ZOHO_REFRESH_TOKEN: 'sandbox',
    ZPI_ZSC_KEY: ZSC_KEY,
    ZPI_STATS_FILE: statsFile,
  };
}

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill();
});

/** One CLI run against the sandbox; fails the bench if it exits otherwise than expected. */
async function runAgainst(sb, dir, label, cliArgs, { rss = false, expect = 0 } = {}) {
  const statsFile = join(dir, 'stats.json');
  rmSync(statsFile, { force: true });
  const r = await zpi(cliArgs, { cwd: dir, env: cliEnv(sb.url, statsFile), rss });
  if (r.code !== expect) throw new Error(`${label}: exit ${r.code} (expected ${expect})\n${r.stderr}\n${r.stdout}`);
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  const rssKiB = r.rssKiB ?? stats.maxRssKiB;
  // The CLI's own account of its read phase: "Read 10000 users, … in 56 calls (0.18 s)."
  const read = /Read \d+ users.* in (\d+) calls \(([\d.]+) s\)/.exec(r.head);
  const readMs = read ? Number(read[2]) * 1000 : undefined;
  return { ms: r.ms, readMs, calls: stats.calls, throttled: stats.throttled, retries: stats.retries, rssKiB, rssFrom: r.rssKiB ? 'time -v' : 'getrusage' };
}

/** Plans (repeatedly), applies once and checks that a plan afterwards is empty, on a fresh sandbox. */
/** `node bench/plan-time.mjs`: the pure plan() in a process of its own, reading from the sandbox at `url`. */
function pureTime(url, manifestFile, runs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'plan-time.mjs'), url, manifestFile, String(runs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (text += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`plan-time exited ${code}`))));
  });
}

async function session(dir, tag, seedFile, faults, planRuns, pureRuns = 0) {
  const sb = await startSandbox(dir, tag, seedFile, faults);
  children.add(sb);
  try {
    const plan = ['plan', '-f', 'manifest.yaml', '--allow-destructive'];
    const plans = [];
    for (let i = 0; i < planRuns; i++) plans.push(await runAgainst(sb, dir, `plan (${tag})`, plan, { rss: true }));
    // The pure plan(), on this org before the apply changes it (once: latency does not matter to it).
    const pure = pureRuns ? await pureTime(sb.url, join(dir, 'manifest.yaml'), pureRuns) : undefined;
    const apply = await runAgainst(sb, dir, `apply (${tag})`, ['apply', '-f', 'manifest.yaml', '--auto-approve', '--allow-destructive'], { rss: true });
    // Converged: a plan after the apply has nothing to do (exit 0 with --detailed-exitcode).
    await runAgainst(sb, dir, `plan after apply (${tag})`, ['plan', '-f', 'manifest.yaml', '--detailed-exitcode']);
    const server = await sb.stop();
    return { plans, pure, apply, server };
  } finally {
    sb.kill();
    children.delete(sb);
  }
}

async function benchSize(n) {
  const exp = expectedChanges(n, CONCURRENCY);
  const dir = mkdtempSync(join(os.tmpdir(), `zpi-bench-${n}-`));
  try {
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(generateState(n)));
    writeFileSync(join(dir, 'manifest.yaml'), generateManifest(n));
    const fast = n >= 100_000 ? 3 : 5;
    log(`bench ${n} users: ${exp.pages} user pages; plan floor ${exp.readFloor} calls, apply floor ${exp.applyFloor}`);

    const startup = [];
    for (let i = 0; i < 5; i++) {
      const r = await zpi(['--version'], { cwd: dir, env: baseEnv() });
      if (r.code !== 0) throw new Error(`zpi --version: exit ${r.code}: ${r.stderr}`);
      startup.push(r.ms);
    }
    const validate = [];
    for (let i = 0; i < fast; i++) {
      const r = await zpi(['validate', 'manifest.yaml'], { cwd: dir, env: baseEnv() });
      if (r.code !== 0) throw new Error(`zpi validate: exit ${r.code}: ${r.stderr}`);
      validate.push(r.ms);
    }
    log(`  start-up ${median(startup).toFixed(0)} ms, validate ${median(validate).toFixed(0)} ms`);

    const plain = await session(dir, 'plain', seedFile, '', fast, n >= 100_000 ? 7 : 9);
    log(`  plan ${median(plain.plans.map((p) => p.ms)).toFixed(0)} ms, apply ${plain.apply.ms.toFixed(0)} ms`);
    const slow = await session(dir, 'latency', seedFile, `latency=${LATENCY_MS}ms`, 3);
    log(`  latency ${LATENCY_MS} ms: plan ${median(slow.plans.map((p) => p.ms)).toFixed(0)} ms, apply ${slow.apply.ms.toFixed(0)} ms`);

    const pure = plain.pure;
    log(`  pure plan() ${pure.medianMs.toFixed(1)} ms (first call ${pure.firstMs.toFixed(1)} ms)`);
    return { n, exp, startup, validate, plain, slow, pure };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

const ms = (x) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const ok = (met) => (met === undefined ? '' : met ? 'yes' : '**no**');

function report(results, started) {
  const cpus = os.cpus();
  const lines = [
    '# zpi benchmark results',
    '',
    `Generated by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.mjs) on ${started.toISOString().slice(0, 10)}.`,
    '',
    `- Machine: ${os.type()} ${os.release()} (${os.arch()}), ${cpus[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism?.() ?? cpus.length} cores, ${mib(os.totalmem() / 1024)} RAM`,
    `- Node ${process.version}; load average ${startLoad} at the start, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (it matters on ${cpus.length} cores: other work on the machine shows in every time below)`,
    `- The built CLI (\`node bin/zpi.js\`, a fresh process per run) against \`zpi sandbox\` in a child process on 127.0.0.1 with \`--limits ${LIMITS}\`, without and with \`--faults latency=${LATENCY_MS}ms\`; \`--concurrency ${CONCURRENCY}\` (the default).`,
    '- Each org: 200 profiles, every user active and confirmed, half of them granted (1% of those with a per-user override). The manifest keeps a quarter of the users, grants another quarter, revokes a quarter and changes 20 profiles.',
    '- Revoking a quarter of all users is half of those with access, past the mass-revoke brake (25%): the revokes are destructive, so `plan` and `apply` run with `--allow-destructive`.',
    '- API calls are counted by the CLI itself (`ZPI_STATS_FILE`, every HTTP exchange including the token) and cross-checked with the sandbox\'s request log. The floor: the token, org, current user, profiles, portals and integration state (1 call each) and one call per 200 users to read; one call per 100 profile permissions (20 here: one call) and one per 100 ids to grant or revoke to write.',
    `- Wall times are medians over repeated runs (start-up and validate: 5; plan: 5, 3 at 100,000 users and with latency) and include starting Node. Peak RSS: ${haveTime ? '`/usr/bin/time -v`' : "the process's own getrusage (no /usr/bin/time here)"}. Pure plan(): the built plan() called in a process of its own on live state read through the client and the manifest as loaded, median of repeated calls (first call shown too).`,
    `- The latency target: plan wall ≤ ${TARGETS.latencySlack} × (⌈pages / ${CONCURRENCY}⌉ + 6 fixed calls) × ${LATENCY_MS} ms + start-up (\`zpi --version\`).`,
    '',
  ];
  const verdicts = [];
  for (const r of results) {
    const { n, exp } = r;
    const startup = median(r.startup);
    const validate = median(r.validate);
    const plan = median(r.plain.plans.map((p) => p.ms));
    const planCalls = Math.max(...r.plain.plans.map((p) => p.calls), ...r.slow.plans.map((p) => p.calls));
    const applyCalls = Math.max(r.plain.apply.calls, r.slow.apply.calls);
    const rss = Math.max(...r.plain.plans.map((p) => p.rssKiB));
    const planL = median(r.slow.plans.map((p) => p.ms));
    const latencyBudget = TARGETS.latencySlack * exp.rounds * LATENCY_MS + startup;
    const readOf = (runs) => (runs.every((p) => p.readMs !== undefined) ? median(runs.map((p) => p.readMs)) : undefined);
    const readL = readOf(r.slow.plans);
    const readP = readOf(r.plain.plans);
    const s429 = (r.plain.server.byStatus['429'] ?? 0) + (r.slow.server.byStatus['429'] ?? 0);
    const c429 = [...r.plain.plans, r.plain.apply, ...r.slow.plans, r.slow.apply].reduce((t, p) => t + p.throttled, 0);
    const clientCalls = (s) => s.plans.reduce((t, p) => t + p.calls, 0) + s.apply.calls;
    const serverRequests = r.plain.server.requests + r.slow.server.requests;
    const is10k = n === 10_000;
    const is100k = n === 100_000;
    const rows = [
      ['API calls, `zpi plan` (floor)', `${planCalls} (${exp.readFloor})`, `≤ ${TARGETS.callsPerFloor} × floor`, ok(planCalls <= TARGETS.callsPerFloor * exp.readFloor), `${(planCalls / exp.readFloor).toFixed(2)}× floor`],
      [
        'API calls, `zpi apply` (floor)',
        `${applyCalls} (${exp.applyFloor})`,
        `≤ ${TARGETS.callsPerFloor} × floor`,
        ok(applyCalls <= TARGETS.callsPerFloor * exp.applyFloor),
        `${(applyCalls / exp.applyFloor).toFixed(2)}× floor: read ${exp.readFloor} + write ${exp.writeFloor} (${exp.grants} grants, ${exp.revokes} revokes, ${exp.profileChanges} profiles)`,
      ],
      ['`zpi --version` (start-up)', ms(startup), '', '', ''],
      ['`zpi validate`', ms(validate), '', '', ''],
      ['`zpi plan`', ms(plan), is10k ? `≤ ${TARGETS.planOverValidate} × validate` : '', is10k ? ok(plan <= TARGETS.planOverValidate * validate) : '', `${(plan / validate).toFixed(2)}× validate`],
      ['`zpi apply` (plan + writes)', ms(r.plain.apply.ms), '', '', `${r.plain.apply.calls} calls`],
      [`\`zpi plan\`, latency ${LATENCY_MS} ms`, ms(planL), `≤ ${ms(latencyBudget)}`, ok(planL <= latencyBudget), `${exp.rounds} round trips at best: ${ms(exp.rounds * LATENCY_MS)}; ${ms(planL - plan)} more than without latency`],
      [
        `… its read phase, latency ${LATENCY_MS} ms`,
        readL === undefined ? 'n/a' : ms(readL),
        `≤ ${ms(TARGETS.latencySlack * exp.rounds * LATENCY_MS)}`,
        readL === undefined ? '' : ok(readL <= TARGETS.latencySlack * exp.rounds * LATENCY_MS),
        `as the plan reports it ("Read … in N calls (s)"); without latency ${readP === undefined ? 'n/a' : ms(readP)}`,
      ],
      [`\`zpi apply\`, latency ${LATENCY_MS} ms`, ms(r.slow.apply.ms), '', '', 'writes go one call at a time, in plan order'],
      ['Peak RSS, `zpi plan`', mib(rss), is100k ? `< ${TARGETS.planRssMiB} MiB` : '', is100k ? ok(rss / 1024 < TARGETS.planRssMiB) : '', `apply: ${mib(Math.max(r.plain.apply.rssKiB, r.slow.apply.rssKiB))}`],
      [
        'Pure `plan()`',
        ms(r.pure.medianMs),
        is100k ? `< ${TARGETS.purePlanMs} ms` : '',
        is100k ? ok(r.pure.medianMs < TARGETS.purePlanMs) : '',
        `first call ${ms(r.pure.firstMs)}; of which hashing the live state (fingerprint) ${ms(r.pure.fingerprintMedianMs)}, the diff alone ${ms(r.pure.diffMedianMs)}; ${r.pure.steps} steps, ${r.pure.accessChanges} access changes`,
      ],
      [
        '`plan --diff`: the unified diff alone',
        ms(r.pure.manifestDiffMedianMs),
        is100k ? `< ${TARGETS.manifestDiffMs} ms` : '',
        is100k ? ok(r.pure.manifestDiffMedianMs < TARGETS.manifestDiffMs) : '',
        `renderManifestDiff of the live settings against the manifest, ${r.pure.manifestDiffLines} lines; a line diff would be quadratic in the lines changed`,
      ],
      [
        '429 answers',
        `${s429} (client saw ${c429})`,
        '0',
        ok(s429 === 0 && c429 === 0),
        `the sandboxes served ${serverRequests} requests: the ${clientCalls(r.plain) + clientCalls(r.slow)} calls counted above + ${3 * exp.readFloor} for three more reads (a plan after each apply, the pure plan()'s)${serverRequests === clientCalls(r.plain) + clientCalls(r.slow) + 3 * exp.readFloor ? '' : ' — **they differ**'}`,
      ],
    ];
    lines.push(`## ${n.toLocaleString('en-US')} users (${exp.pages} user pages)`, '', '| measure | result | target | met | notes |', '|---|---|---|---|---|');
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
    for (const row of rows) if (row[3] !== '') verdicts.push({ n, what: row[0], met: row[3] === 'yes', result: row[1], target: row[2] });
  }
  lines.push('## Targets', '', '| size | target | result | met |', '|---|---|---|---|');
  for (const v of verdicts) lines.push(`| ${v.n.toLocaleString('en-US')} | ${v.what}: ${v.target} | ${v.result} | ${v.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return { text: lines.join('\n'), verdicts };
}

const started = new Date();
const startLoad = os.loadavg().map((l) => l.toFixed(2)).join(' ');
const results = [];
for (const n of SIZES) results.push(await benchSize(n));
const { text, verdicts } = report(results, started);
// Notes written by hand (the gaps and their causes) live below this marker and survive a re-run.
const MARK = '<!-- notes: kept across runs -->';
const previous = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
const notes = previous.includes(MARK) ? previous.slice(previous.indexOf(MARK)) : `${MARK}\n`;
writeFileSync(OUT, `${text}\n${notes}`);
log(`\nwrote ${relative(process.cwd(), OUT) || OUT}`);
process.stdout.write(`${text}\n`);
const missed = verdicts.filter((v) => !v.met);
if (missed.length > 0) log(`targets missed: ${missed.map((v) => `${v.n} ${v.what}`).join('; ')}`);
