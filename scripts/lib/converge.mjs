// Random scenarios against the sandbox org, and one convergence run under injected faults.
// Plain ESM with no imports of zpi itself: callers pass the modules in, so the property test runs it
// on src/ (through vitest) and the soak runs it on the built dist/. See converge.d.mts for the types.
import { readFileSync } from 'node:fs';

export const SEED_PATH = new URL('../../examples/sandbox/org.json', import.meta.url);

/** The example sandbox org (examples/sandbox/org.json), optionally with generated extra users. */
export function seedState({ extraUsers = 0 } = {}) {
  const s = JSON.parse(readFileSync(SEED_PATH, 'utf8'));
  for (let i = 0; i < extraUsers; i++) {
    s.users.push({
      id: `59000000${String(i).padStart(6, '0')}`,
      email: `gen${i}@acme.com`,
      full_name: `Generated User ${i}`,
      status: 'active',
      confirm: true,
      profile: ['Standard', 'Sales Rep', 'Support', 'Manager'][i % 4],
      role: 'Rep',
    });
  }
  return s;
}

export const PERMISSION_SETS = [[], ['view'], ['view', 'create'], ['view', 'edit'], ['view', 'create', 'edit'], ['view', 'create', 'edit', 'delete'], ['view', 'delete']];

/** Users a manifest may list: active, confirmed, and owner of neither portal. */
export function eligibleEmails(state) {
  const owners = new Set(state.portals.map((p) => p.owner_email.toLowerCase()));
  return state.users.filter((u) => u.status === 'active' && u.confirm && !owners.has(u.email.toLowerCase())).map((u) => u.email.toLowerCase());
}

/**
 * A random desired state for `state` (a sandbox state), from `rng` (() => [0, 1): callers pass the
 * sandbox's seeded mulberry32 from sandbox/faults.js). `bias: 'many'` asks for lots of steps (portal
 * swap likely, most users listed, many overrides), for crash tests.
 */
export function randomSpec(rng, state, { bias = 'mixed' } = {}) {
  const pick = (arr) => arr[Math.floor(rng() * arr.length)];
  const many = bias === 'many';
  const portals = state.portals.map((p) => p.name);
  const current = state.portals.find((p) => p.id === state.integration.portal_id)?.name;
  const other = portals.find((p) => p !== current) ?? portals[0];
  const spec = {
    state: !many && rng() < 0.15 ? 'deactivated' : 'active',
    portal: many ? (rng() < 0.6 ? other : pick(portals)) : pick(portals),
    byId: rng() < 0.3,
    profiles: {},
    users: [],
  };
  for (const p of state.profiles) if (rng() < (many ? 0.9 : 0.5)) spec.profiles[p.name] = pick(PERMISSION_SETS);
  const share = many ? 0.6 + rng() * 0.4 : rng();
  for (const email of eligibleEmails(state)) {
    if (rng() >= share) continue;
    spec.users.push(rng() < (many ? 0.35 : 0.2) ? { email: rng() < 0.2 ? email.toUpperCase() : email, permissions: pick(PERMISSION_SETS) } : { email });
  }
  return spec;
}

/** The manifest (YAML text) for a spec, in the layout of DESIGN §2. */
export function manifestText(spec, state) {
  const portal = state.portals.find((p) => p.name === spec.portal);
  const lines = ['apiVersion: zpi/v1', 'kind: ProjectsIntegration', `org: "${state.org.id}"`, `state: ${spec.state}`];
  if (spec.state === 'active') {
    lines.push('portal:', spec.byId ? `  id: "${portal.id}"` : `  name: ${portal.name}`, '  zscKey: ${ZPI_ZSC_KEY}', `  zscEmail: ${portal.owner_email}`);
    const profiles = Object.entries(spec.profiles);
    if (profiles.length > 0) lines.push('profiles:', ...profiles.map(([name, perms]) => `  ${JSON.stringify(name)}: [${perms.join(', ')}]`));
    lines.push(spec.users.length > 0 ? 'users:' : 'users: []');
    for (const u of spec.users) {
      lines.push(`  - email: ${u.email}`);
      if (u.permissions) lines.push(`    permissions: [${u.permissions.join(', ')}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The ZSC key the spec's portal needs, from the sandbox state (sandbox-only dummies). */
export function zscKeyFor(spec, state) {
  return state.portals.find((p) => p.name === spec.portal)?.zsc_key ?? '';
}

export const SANDBOX_CREDENTIALS = { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' };
export const FAST_RETRY = { retries: 8, minTimeoutMs: 1, maxTimeoutMs: 4, factor: 2, randomize: true, maxRetryAfterMs: 5 };

/**
 * Applies `spec` to a sandbox started from `seed` with `faults` on, in rounds of read → plan → apply
 * until a plan has no steps (at most maxRounds), then re-reads the final state from a fault-free
 * sandbox and plans once more. `mods` = { startSandbox, createZohoProvider, parseManifest, plan, executePlan }.
 * `writeRetries` overrides the retries of the executor's steps (reads keep `retry`). Converged means
 * the fault-free plan has zero steps.
 */
export async function convergeUnderFaults(mods, { seed, spec, faults, maxRounds = 30, retry = FAST_RETRY, writeRetries, concurrency = 5 }) {
  // Fewer retries for the steps than for the reads: steps then fail for real, and the next round must
  // finish the job from wherever the last one stopped (a faulted write may or may not have landed).
  const stepRetry = writeRetries === undefined ? retry : { ...retry, retries: writeRetries };
  const t0 = performance.now();
  const text = manifestText(spec, seed);
  const parsed = mods.parseManifest(text, 'scenario.yaml');
  if (!('desired' in parsed)) {
    throw new Error(`scenario manifest is invalid (a generator bug):\n${parsed.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n')}\n${text}`);
  }
  const desired = parsed.desired;
  const env = { ZPI_ZSC_KEY: zscKeyFor(spec, seed) };
  const options = { allowDestructive: true, maxRevokePct: 100 };
  const ctx = (live, url) => ({ target: { org: { id: live.org.id, name: live.org.companyName }, endpointKind: 'sandbox', endpoint: url }, options });

  const rounds = [];
  let state;
  let sandboxStats;
  const sb = await mods.startSandbox({ port: 0, seed, faults, limits: '' });
  try {
    const provider = mods.createZohoProvider({ endpoint: sb.url, credentials: SANDBOX_CREDENTIALS, retry, concurrency });
    for (let i = 0; i < maxRounds; i++) {
      try {
        const live = await provider.read();
        const p = mods.plan(desired, live, ctx(live, sb.url));
        if (p.steps.length === 0) {
          rounds.push({ steps: 0 });
          break;
        }
        const r = await mods.executePlan(p, provider, { env, retry: stepRetry, allowDestructive: true });
        rounds.push({ steps: p.steps.length, ok: r.ok, done: r.done.length, retries: r.retries, ...(r.failed && { failed: `${r.failed.stepId}: ${r.failed.code}` }) });
      } catch (err) {
        // A read that ran out of retries: the next round tries again. Anything else is a real failure.
        if (err?.name !== 'ZohoApiError') throw err;
        rounds.push({ error: `${err.code}: ${err.message}` });
      }
    }
    state = sb.state();
    sandboxStats = sb.stats();
  } finally {
    await sb.close();
  }

  const clean = await mods.startSandbox({ port: 0, seed: state, faults: '', limits: '' });
  let finalSteps;
  try {
    const provider = mods.createZohoProvider({ endpoint: clean.url, credentials: SANDBOX_CREDENTIALS, retry });
    const live = await provider.read();
    finalSteps = mods.plan(desired, live, ctx(live, clean.url)).steps.map((s) => s.id);
  } finally {
    await clean.close();
  }
  const faulted = Object.entries(sandboxStats.byStatus).filter(([k]) => !/^2/.test(k)).reduce((n, [, v]) => n + v, 0);
  return {
    converged: finalSteps.length === 0,
    finalSteps,
    rounds,
    requests: sandboxStats.requests,
    faulted,
    ms: Math.round(performance.now() - t0),
    manifest: text,
    finalState: state,
  };
}
