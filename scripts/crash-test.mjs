#!/usr/bin/env node
// Crash safety (issues 5 and 7): for each seed, a fresh sandbox in its own process, a manifest that needs
// many steps, and `zpi apply` killed with SIGKILL at a random moment — after a random delay, or right
// after its k-th progress line. Some seeds kill the SANDBOX instead, while writes are pouring in.
// After each kill: the sandbox state file must be valid JSON (and the sandbox must start on it), the
// record beside the manifest must be whole and report no drift (a call in flight was written down
// before it was made), a plain re-run of `zpi apply` must succeed, and `zpi plan --detailed-exitcode`
// must say 0 (no changes) with the record matching the org.
//
//   node scripts/crash-test.mjs [N | FROM..TO] [--latency MS] [--verbose]      (needs `npm run build`)
//
// runCrashSeeds() is what test/e2e/crash.test.ts (a few seeds) and scripts/soak.mjs (many) call.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../dist/sandbox/faults.js';
import { manifestText, randomSpec, seedState, zscKeyFor } from './lib/converge.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let BIN = join(ROOT, 'bin', 'zpi.js');

/** Runs the CLI of another copy of the package (the soak uses a snapshot, immune to rebuilds meanwhile). */
export function useCli(root) {
  BIN = join(root, 'bin', 'zpi.js');
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `zpi sandbox` as a child process; resolves once it prints its URL. */
export async function startSandboxProcess({ state, seed, faults = '', cwd }) {
  const args = [BIN, 'sandbox', '--port', '0', '--state', state, ...(seed ? ['--seed', seed] : []), '--faults', faults];
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  // Always drain: the sandbox logs a line per request, and a full pipe would stall it.
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 10 s: ${out}${err}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code ?? signal}) before listening: ${out}${err}`));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    url,
    pid: child.pid,
    exited,
    output: () => out + err,
    kill: (signal = 'SIGKILL') => {
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs the built CLI. `killWhen` may be { afterMs }, { afterLine: k } (the k-th `[i/N]` progress line
 * on stderr) or { afterShare: u } (the progress line at that share of the N steps, 0 < u < 1); then
 * the process gets SIGKILL. Resolves with exit code, signal and output.
 */
export function runZpi(args, { cwd, env, killWhen, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let lines = 0;
    let killed = false;
    const kill = () => {
      if (killed || child.exitCode !== null) return;
      killed = true;
      child.kill('SIGKILL');
    };
    let timer;
    if (killWhen?.afterMs !== undefined) timer = setTimeout(kill, killWhen.afterMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (killWhen?.afterLine !== undefined || killWhen?.afterShare !== undefined) {
        lines = (stderr.match(/^\[\d+\/\d+\] /gm) ?? []).length;
        const total = Number(/^\[\d+\/(\d+)\] /m.exec(stderr)?.[1] ?? 0);
        const target = killWhen.afterLine ?? Math.max(1, Math.ceil(killWhen.afterShare * (total - 1)));
        if (lines > 0 && lines >= target) kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed: killed && signal === 'SIGKILL', progressLines: (stderr.match(/^\[\d+\/\d+\] /gm) ?? []).length });
    });
  });
}

function validJson(file) {
  try {
    JSON.parse(readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/** The record apply keeps beside the manifest: absent (killed before it was written) or a whole zpi record. */
function validRecord(file) {
  if (!existsSync(file)) return true;
  try {
    return JSON.parse(readFileSync(file, 'utf8')).kind === 'zpi-record';
  } catch {
    return false;
  }
}

/** The drift a JSON plan reports (none when the output is not a plan). */
function driftOf(stdout) {
  try {
    return JSON.parse(stdout).drift ?? [];
  } catch {
    return ['(no JSON plan)'];
  }
}

/** Temp files the sandbox's atomic writer left behind (a kill between create and rename). */
function strayTemps(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

/**
 * Keeps writes flowing into the sandbox (grant/revoke of a few users, over and over) until stopped,
 * so a kill of the sandbox process is likely to land in the middle of a state-file write.
 */
function hammer(url, ids) {
  let stop = false;
  let writes = 0;
  const worker = async (i) => {
    let token;
    while (!stop) {
      try {
        if (!token) {
          const q = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox', client_secret: 'sandbox', refresh_token: 'sandbox' });
          token = (await (await fetch(`${url}/oauth/v2/token?${q}`, { method: 'POST' })).json()).access_token;
        }
        const id = ids[(writes + i) % ids.length];
        const base = `${url}/crm/v8/settings/integrations/zoho_projects/users`;
        const headers = { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' };
        await (writes % 2 === 0
          ? fetch(base, { method: 'PUT', headers, body: JSON.stringify({ users: [{ id }] }) })
          : fetch(`${base}?ids=${id}`, { method: 'DELETE', headers }));
        writes++;
      } catch {
        await sleep(5); // the sandbox is gone (or restarting): keep trying until told to stop
      }
    }
  };
  const workers = Array.from({ length: 12 }, (_, i) => worker(i));
  return {
    async stop() {
      stop = true;
      await Promise.all(workers);
      return writes;
    },
  };
}

/**
 * One seed. Modes: 'apply-delay' (SIGKILL apply after a random delay), 'apply-line' (after its k-th
 * progress line), 'sandbox' (SIGKILL the sandbox while apply runs and writes pour in).
 */
export async function crashSeed(seed, { latencyMs = DEFAULT_LATENCY_MS, extraUsers = DEFAULT_EXTRA_USERS, sandboxShare = 0.3, keep = false, applyMs = 800 } = {}) {
  const t0 = performance.now();
  const rng = mulberry32(seed * 7919 + 13);
  const mode = rng() < sandboxShare ? 'sandbox' : rng() < 0.5 ? 'apply-delay' : 'apply-line';
  const dir = mkdtempSync(join(tmpdir(), `zpi-crash-${seed}-`));
  const statePath = join(dir, 'state.json');
  const recordPath = join(dir, 'integration.state.json');
  const seedPath = join(dir, 'seed.json');
  const initial = seedState({ extraUsers });
  writeFileSync(seedPath, JSON.stringify(initial));
  const spec = randomSpec(rng, initial, { bias: 'many' });
  writeFileSync(join(dir, 'integration.yaml'), manifestText(spec, initial));
  const faults = `latency=${latencyMs}ms`;
  const result = { seed, mode, ok: false, checks: {}, ms: 0 };
  const procs = [];
  try {
    let sb = await startSandboxProcess({ state: statePath, seed: seedPath, faults, cwd: dir });
    procs.push(sb);
    const env = (url) => ({
      PATH: process.env.PATH,
      HOME: dir,
      NO_COLOR: '1',
      ZOHO_CLIENT_ID: 'sandbox',
      ZOHO_CLIENT_SECRET: 'sandbox',
      ZOHO_REFRESH_TOKEN: 'sandbox',
      ZPI_ENDPOINT: url,
      ZPI_ZSC_KEY: zscKeyFor(spec, initial),
      ZPI_RETRY_MIN_MS: '1',
      ZPI_RETRY_MAX_MS: '20',
    });
    const apply = ['apply', '--auto-approve', '--allow-destructive'];

    if (mode === 'sandbox') {
      // Apply runs against the sandbox while other clients keep writing; the sandbox dies mid-stream.
      const writers = hammer(sb.url, ['4876876000000200050', '4876876000000200064', '4876876000000200099']);
      const delay = Math.round(applyMs * (0.2 + rng() * 0.8));
      result.killAfterMs = delay;
      const run = runZpi(apply, { cwd: dir, env: env(sb.url) });
      await sleep(delay);
      await sb.kill('SIGKILL');
      const writes = await Promise.race([writers.stop(), sleep(2000).then(() => -1)]);
      result.hammerWrites = writes;
      const first = await run;
      result.firstApply = { code: first.code, signal: first.signal, progressLines: first.progressLines };
      result.checks.stateValidJson = validJson(statePath);
      result.strayTemps = strayTemps(dir).length; // > 0: the kill landed inside a write
      sb = await startSandboxProcess({ state: statePath, faults, cwd: dir }).catch((e) => {
        result.checks.restart = `sandbox refused its state file after the kill: ${e.message}`;
        throw e;
      });
      procs.push(sb);
      result.checks.restart = true;
    } else {
      // Anywhere from before the first call to the last step: startup, reads, planning, any call.
      const killWhen = mode === 'apply-delay' ? { afterMs: Math.round(rng() * applyMs) } : { afterShare: rng() };
      Object.assign(result, killWhen);
      const first = await runZpi(apply, { cwd: dir, env: env(sb.url), killWhen });
      result.firstApply = { code: first.code, signal: first.signal, killed: first.killed, progressLines: first.progressLines };
      // A request the killed apply had in flight still lands (whole) after its latency: let it.
      await sleep(latencyMs * 3 + 50);
      result.checks.stateValidJson = validJson(statePath);
      // The record is whole, and what the killed apply did is in it: a call in flight counts as
      // zpi's own (written down before it was made), so nothing shows up as changed outside zpi.
      const after = await runZpi(['plan', '--format', 'json'], { cwd: dir, env: env(sb.url) });
      result.checks.recordAfterKill = validRecord(recordPath) && after.code === 0 && driftOf(after.stdout).length === 0;
      if (result.checks.recordAfterKill !== true) result.recordOutput = (after.stdout.slice(0, 400) + after.stderr).slice(-2000);
    }

    const second = await runZpi(apply, { cwd: dir, env: env(sb.url) });
    result.checks.rerunExit = second.code;
    if (second.code !== 0) result.rerunOutput = (second.stderr + second.stdout).slice(-2000);
    const plan = await runZpi(['plan', '--detailed-exitcode', '--format', 'json'], { cwd: dir, env: env(sb.url) });
    result.checks.planExit = plan.code;
    if (plan.code !== 0) result.planOutput = (plan.stdout + plan.stderr).slice(-2000);
    // The re-run recorded where the org ended: the record matches it.
    result.checks.recordAtEnd = validRecord(recordPath) && driftOf(plan.stdout).length === 0;
    result.checks.lockReleased = !existsSync(join(dir, '.zpi')) || readdirSync(join(dir, '.zpi')).every((f) => !f.endsWith('.lock'));
    result.checks.stateValidJsonAtEnd = validJson(statePath);
    result.ok =
      result.checks.stateValidJson === true &&
      result.checks.stateValidJsonAtEnd === true &&
      result.checks.rerunExit === 0 &&
      result.checks.planExit === 0 &&
      result.checks.lockReleased === true &&
      result.checks.recordAtEnd === true &&
      (mode === 'sandbox' || result.checks.recordAfterKill === true) &&
      (mode !== 'sandbox' || result.checks.restart === true);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    result.ms = Math.round(performance.now() - t0);
    if (!keep || result.ok) rmSync(dir, { recursive: true, force: true });
    else result.dir = dir;
  }
  return result;
}

export const DEFAULT_LATENCY_MS = 25;
export const DEFAULT_EXTRA_USERS = 250;

/**
 * How long one uninterrupted apply of a many-step scenario takes here (ms, process start to exit), so
 * random kill delays spread over a whole run on a fast machine and a slow one alike.
 */
export async function calibrate({ latencyMs = DEFAULT_LATENCY_MS, extraUsers = DEFAULT_EXTRA_USERS } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-crash-calibrate-'));
  try {
    const initial = seedState({ extraUsers });
    writeFileSync(join(dir, 'seed.json'), JSON.stringify(initial));
    const spec = randomSpec(mulberry32(1), initial, { bias: 'many' });
    writeFileSync(join(dir, 'integration.yaml'), manifestText(spec, initial));
    const sb = await startSandboxProcess({ state: join(dir, 'state.json'), seed: join(dir, 'seed.json'), faults: `latency=${latencyMs}ms`, cwd: dir });
    try {
      const env = { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ZOHO_CLIENT_ID: 'sandbox', ZOHO_CLIENT_SECRET: 'sandbox', ZOHO_REFRESH_TOKEN: 'sandbox', ZPI_ENDPOINT: sb.url, ZPI_ZSC_KEY: zscKeyFor(spec, initial) };
      const t0 = performance.now();
      const r = await runZpi(['apply', '--auto-approve', '--allow-destructive'], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`calibration apply failed: ${r.stderr.slice(-500)}`);
      return Math.round(performance.now() - t0);
    } finally {
      await sb.kill();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs seeds (numbers) one after another (or `concurrency` at a time); failures are collected, not thrown. */
export async function runCrashSeeds(seeds, { concurrency = 1, log = () => {}, ...opts } = {}) {
  const t0 = performance.now();
  opts.applyMs ??= await calibrate(opts);
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const seed = seeds[next++];
      const r = await crashSeed(seed, opts);
      results.push(r);
      log(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  results.sort((a, b) => a.seed - b.seed);
  return {
    results,
    applyMs: opts.applyMs,
    failures: results.filter((r) => !r.ok),
    ms: Math.round(performance.now() - t0),
    byMode: results.reduce((m, r) => ({ ...m, [r.mode]: (m[r.mode] ?? 0) + 1 }), {}),
    killedMidRun: results.filter((r) => r.firstApply && (r.firstApply.killed || r.mode === 'sandbox')).length,
    sandboxKilledMidWrite: results.filter((r) => r.strayTemps > 0).length,
  };
}

export function describeResult(r) {
  const how =
    r.mode === 'sandbox'
      ? `sandbox killed after ${r.killAfterMs} ms${r.strayTemps ? ' (mid-write)' : ''}`
      : r.afterMs !== undefined
        ? `apply killed after ${r.afterMs} ms${r.firstApply?.killed ? '' : ' (had already exited)'}`
        : `apply killed after progress line ${r.firstApply?.progressLines}${r.firstApply?.killed ? '' : ' (had already exited)'}`;
  const status = r.ok ? 'ok' : `FAILED ${r.error ?? JSON.stringify(r.checks)}`;
  return `seed ${r.seed}: ${how} → ${status} (${(r.ms / 1000).toFixed(1)} s)`;
}

function parseSeeds(arg) {
  if (!arg) return Array.from({ length: 10 }, (_, i) => i + 1);
  const range = /^(\d+)\.\.(\d+)$/.exec(arg);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  return Array.from({ length: Number(arg) }, (_, i) => i + 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const latencyAt = args.indexOf('--latency');
  const latencyMs = latencyAt >= 0 ? Number(args[latencyAt + 1]) : DEFAULT_LATENCY_MS;
  const verbose = args.includes('--verbose');
  const seeds = parseSeeds(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--latency'));
  const summary = await runCrashSeeds(seeds, { latencyMs, keep: true, log: (r) => console.log(describeResult(r)) });
  console.log(`(an uninterrupted apply took ${summary.applyMs} ms; kills were spread over that)`);
  for (const f of summary.failures) console.log(JSON.stringify(f, null, verbose ? 2 : 0));
  console.log(`${summary.results.length} seeds, ${summary.failures.length} failed, ${(summary.ms / 1000).toFixed(1)} s`);
  process.exitCode = summary.failures.length > 0 ? 1 : 0;
}
