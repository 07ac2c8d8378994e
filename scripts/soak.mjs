#!/usr/bin/env node
// `npm run soak` (issue 7): the long versions of the suite's convergence and crash tests, on dist/.
//   - fault seeds: a random live state and a random desired manifest against the sandbox with faults on
//     (429 with and without Retry-After, 500, HTML 503, connection resets); rounds of read → plan →
//     apply until a plan is empty; then a fault-free read of the final state must plan zero steps.
//   - kill seeds: scripts/crash-test.mjs — `zpi apply` (or the sandbox process) killed with SIGKILL at a
//     random moment; the state file stays valid JSON and a re-run converges.
// Prints a summary and writes bench/SOAK.md.
//
//   node scripts/soak.mjs [--faults 200] [--kills 50] [--concurrency 2] [--no-write]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeResult, runCrashSeeds, useCli } from './crash-test.mjs';
import { convergeUnderFaults, randomSpec, seedState } from './lib/converge.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const FAULT_SEEDS = flag('faults', 200);
const KILL_SEEDS = flag('kills', 50);
const CONCURRENCY = flag('concurrency', 2);
const WRITE = !args.includes('--no-write');

// A snapshot of the build: a soak takes minutes, and a rebuild meanwhile (tsc rewrites dist/ in place)
// would make a CLI started at that moment fail for reasons that have nothing to do with zpi.
const SNAP = mkdtempSync(join(tmpdir(), 'zpi-soak-build-'));
for (const part of ['bin', 'dist', 'examples', 'schema', 'package.json']) cpSync(join(ROOT, part), join(SNAP, part), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(SNAP, 'node_modules'), 'dir');
process.on('exit', () => rmSync(SNAP, { recursive: true, force: true }));
useCli(SNAP);
const dist = (p) => import(pathToFileURL(join(SNAP, 'dist', p)).href);
const [{ startSandbox }, { mulberry32 }, { createZohoProvider }, { parseManifest }, { plan }, { executePlan }] = await Promise.all([
  dist('sandbox/index.js'),
  dist('sandbox/faults.js'),
  dist('provider/index.js'),
  dist('manifest/parse-manifest.js'),
  dist('plan/index.js'),
  dist('apply/index.js'),
]);
const mods = { startSandbox, createZohoProvider, parseManifest, plan, executePlan };

/** Seed s: fault mix, starting state and desired state all follow from s. */
function faultsFor(s) {
  const rate = [0.2, 0.3, 0.2, 0.1][s % 4];
  const reset = [0.05, 0.05, 0.1, 0.2][s % 4];
  return `rate=${rate},reset=${reset},seed=${s}`;
}

async function faultSeed(s) {
  const rng = mulberry32(s * 104729 + 7);
  let seed = seedState({ extraUsers: 40 + Math.floor(rng() * 200) });
  const t0 = performance.now();
  try {
    if (rng() < 0.75) {
      const start = await convergeUnderFaults(mods, { seed, spec: randomSpec(rng, seed), faults: '' });
      if (!start.converged) return { seed: s, ok: false, error: `setup did not converge: ${JSON.stringify(start.rounds)}`, ms: 0 };
      seed = start.finalState;
    }
    const spec = randomSpec(rng, seed, { bias: rng() < 0.5 ? 'many' : 'mixed' });
    const faults = faultsFor(s);
    // Steps get 0, 1, 2 or 8 retries: with few, rounds stop part-way and the next must finish the job.
    const writeRetries = [0, 1, 2, 8][Math.floor(s / 4) % 4];
    const r = await convergeUnderFaults(mods, { seed, spec, faults, writeRetries });
    const applyRounds = r.rounds.filter((x) => x.steps > 0).length;
    return {
      seed: s,
      faults,
      writeRetries,
      ok: r.converged && r.rounds.at(-1)?.steps === 0,
      steps: r.rounds[0]?.steps ?? 0,
      applyRounds,
      requests: r.requests,
      faulted: r.faulted,
      ms: Math.round(performance.now() - t0),
      ...(r.converged ? {} : { left: r.finalSteps, rounds: r.rounds, manifest: r.manifest }),
    };
  } catch (err) {
    return { seed: s, faults: faultsFor(s), ok: false, error: err?.stack ?? String(err), ms: Math.round(performance.now() - t0) };
  }
}

async function pool(items, n, fn) {
  const out = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const item = items[next++];
        out.push(await fn(item));
      }
    }),
  );
  return out;
}

const started = new Date();
const t0 = performance.now();
console.log(`soak: ${FAULT_SEEDS} fault seeds, ${KILL_SEEDS} kill seeds (concurrency ${CONCURRENCY})`);

const faultResults = (await pool(Array.from({ length: FAULT_SEEDS }, (_, i) => i + 1), CONCURRENCY, async (s) => {
  const r = await faultSeed(s);
  if (!r.ok || s % 20 === 0) console.log(`fault seed ${s}: ${r.ok ? 'ok' : 'FAILED'} (${r.faults}, ${r.steps ?? '?'} steps, ${r.applyRounds ?? '?'} apply rounds, ${r.faulted ?? '?'}/${r.requests ?? '?'} requests faulted, ${r.ms} ms)`);
  return r;
})).sort((a, b) => a.seed - b.seed);
const faultMs = Math.round(performance.now() - t0);

const t1 = performance.now();
const kills =
  KILL_SEEDS > 0
    ? await runCrashSeeds(Array.from({ length: KILL_SEEDS }, (_, i) => i + 1), {
        concurrency: 1,
        keep: true,
        log: (r) => {
          if (!r.ok || r.seed % 10 === 0) console.log(describeResult(r));
        },
      })
    : { results: [], failures: [], byMode: {}, killedMidRun: 0, sandboxKilledMidWrite: 0, applyMs: 0 };
const killMs = Math.round(performance.now() - t1);

const faultFailures = faultResults.filter((r) => !r.ok);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const ok = faultResults.filter((r) => r.ok);
const stats = {
  steps: sum(ok.map((r) => r.steps)),
  requests: sum(ok.map((r) => r.requests)),
  faulted: sum(ok.map((r) => r.faulted)),
  maxRounds: Math.max(0, ...ok.map((r) => r.applyRounds)),
  roundsHistogram: ok.reduce((h, r) => ({ ...h, [r.applyRounds]: (h[r.applyRounds] ?? 0) + 1 }), {}),
};
const totalMs = Math.round(performance.now() - t0);

let commit = 'unknown';
try {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  commit = `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
} catch {
  // not a git checkout
}
const cpu = cpus();
const machine = `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${platform()} ${release()}, Node ${process.version}`;
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

const summary = [
  `fault seeds: ${faultResults.length - faultFailures.length}/${faultResults.length} converged (${secs(faultMs)})`,
  `kill seeds:  ${kills.results.length - kills.failures.length}/${kills.results.length} converged after the kill (${secs(killMs)})`,
  `failures:    ${faultFailures.length + kills.failures.length}`,
  `total:       ${secs(totalMs)}`,
];
console.log(`\n${summary.join('\n')}`);

if (WRITE) {
  const failureLines = [
    ...faultFailures.map((f) => `- fault seed ${f.seed} (\`${f.faults}\`): ${f.error ? f.error.split('\n')[0] : `left ${f.left?.join(', ')}`}`),
    ...kills.failures.map((f) => {
      const said = (f.rerunOutput ?? f.planOutput ?? '').trim().split('\n').at(-1);
      return `- kill seed ${f.seed} (${f.mode}): ${f.error ?? JSON.stringify(f.checks)}${said ? ` — last line: \`${said}\`` : ''}${f.dir ? ` — kept in ${f.dir}` : ''}`;
    }),
  ];
  const md = `# Soak results

The last \`npm run soak\` (scripts/soak.mjs on the built dist/). Regenerated by each run.

| | |
|---|---|
| date | ${started.toISOString()} |
| machine | ${machine} |
| commit | ${commit} |
| duration | ${secs(totalMs)} (fault seeds ${secs(faultMs)}, kill seeds ${secs(killMs)}) |
| fault seeds | **${faultResults.length - faultFailures.length} / ${faultResults.length} converged** |
| kill seeds | **${kills.results.length - kills.failures.length} / ${kills.results.length} converged after the kill** |
| failures | **${faultFailures.length + kills.failures.length}** |

## Fault seeds

Seed *s* picks an org (the example org plus 40–240 generated users), a random starting state (for 3 in 4
seeds: another random manifest applied without faults), a random desired manifest (portal swaps,
deactivation, profile and per-user permissions, grants and revokes) and the faults
\`rate=0.2|0.3|0.2|0.1, reset=0.05|0.05|0.1|0.2, seed=s\` (429 with and without Retry-After, 500, HTML 503,
dropped connections; a faulted write may or may not have happened). zpi reads, plans and applies with
fast retries (reads 8; steps 0, 1, 2 or 8 by seed, so that with few a round really stops at a failed
step), round after round, until a plan is empty; then the final state is read from a sandbox without
faults and must plan zero steps.

- steps planned in the first round: ${stats.steps} in all
- requests: ${stats.requests}, of which ${stats.faulted} not 2xx (injected faults, and 4xx from retried writes that had landed)
- apply rounds needed: ${Object.entries(stats.roundsHistogram).map(([k, v]) => `${k} round${k === '1' ? '' : 's'}: ${v} seeds`).join(' · ')} (max ${stats.maxRounds})
- seeds where a round stopped at a failed step and a later round finished: ${ok.filter((r) => r.applyRounds > 1).length}

## Kill seeds

scripts/crash-test.mjs: a fresh sandbox in its own process (\`zpi sandbox --faults latency=25ms\`), an org
with 250 generated users and a manifest that needs many steps (about 100–300, in batched calls).
\`zpi apply --auto-approve\` is killed with SIGKILL after a random delay (spread over the ${kills.applyMs} ms an
uninterrupted apply took) or right after a random progress line; for about 3 seeds in 10 the **sandbox**
is killed instead while other clients keep writing. Then: the state file must be valid JSON (and the
sandbox must start on it), a plain \`zpi apply\` must exit 0 (taking over the stale lock) and
\`zpi plan --detailed-exitcode\` must exit 0.

- kills by kind: ${Object.entries(kills.byMode).map(([k, v]) => `${k} ${v}`).join(' · ')}
- kills that landed while apply was running: ${kills.killedMidRun} of ${kills.results.length}
- sandbox kills that landed inside a state-file write (its temp file was left behind): ${kills.sandboxKilledMidWrite}

## Failures

${failureLines.length > 0 ? failureLines.join('\n') : 'None.'}
`;
  writeFileSync(new URL('../bench/SOAK.md', import.meta.url), md);
  console.log('wrote bench/SOAK.md');
}

process.exitCode = faultFailures.length + kills.failures.length > 0 ? 1 : 0;
