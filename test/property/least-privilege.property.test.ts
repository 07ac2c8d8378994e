/**
 * Least privilege at every step boundary (DESIGN §4): whatever prefix of a plan ran — and, of the
 * batched call it stopped in, whichever items landed — each user holds at most what the state before
 * the plan or the state after it gives them. Checked in memory for random live/desired pairs, and
 * against the real sandbox through the real client and executor, reading the org after every call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMAILS, permsBy } from '../helpers/arbitraries.js';
import { executePlan } from '../../src/apply/index.js';
import type { Desired } from '../../src/model/desired.js';
import { ApplyStopped } from '../../src/model/errors.js';
import type { Live } from '../../src/model/live.js';
import { permissionMask, type Permission } from '../../src/model/permissions.js';
import type { Step } from '../../src/model/plan.js';
import { apiCallsOf } from '../../src/model/summarize-plan.js';
import { plan } from '../../src/plan/index.js';
import { unknownSubject } from '../../src/plan/effective-access.js';
import { effectiveAccess, subjectOf } from '../helpers/access-oracle.js';
import { liveState } from '../../src/plan/integration-state.js';
import type { Provider } from '../../src/provider/provider.js';
import type { SandboxState } from '../../src/sandbox/index.js';
import { applyInMemory } from '../helpers/apply-in-memory.js';
import { desired, liveOrg, planCtx, PORTALS, PROFILES } from '../helpers/builders.js';
import { FAST_RETRY, provider, sandbox, seed, SECRETS } from '../integration/client/helpers.js';


/** Each user's permission mask in a live state, by user id (users CRM no longer knows included). */
function masks(live: Live): Map<string, number> {
  const state = liveState(live.integration);
  const out = new Map<string, number>();
  for (const u of live.users) out.set(u.id, permissionMask(effectiveAccess(state, subjectOf(u)).permissions));
  for (const id of state.users) if (!out.has(id)) out.set(id, permissionMask(effectiveAccess(state, unknownSubject(id)).permissions));
  return out;
}

/** Users holding a permission that neither `before` nor `after` gives them, with what they hold. */
function overGranted(now: Live, before: Map<string, number>, after: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [id, m] of masks(now)) {
    const allowed = (before.get(id) ?? 0) | (after.get(id) ?? 0);
    if ((m & ~allowed) !== 0) out.push(`${id}: holds ${m}, before ${before.get(id) ?? 0}, after ${after.get(id) ?? 0}`);
  }
  return out;
}

const GHOST = 'zed@acme.com'; // disabled in CRM, still granted
const ORPHAN = 'u-orphan'; // granted, unknown to CRM

const scenario = fc.record({
  profiles: fc.array(fc.constantFrom(...PROFILES), { minLength: EMAILS.length, maxLength: EMAILS.length }),
  live: fc.oneof(
    fc.constant('inactive' as const),
    fc.record({
      portal: fc.constantFrom('acme-projects', 'acme-newco'),
      users: fc.subarray([...EMAILS, GHOST]),
      orphan: fc.boolean(),
      profilePermissions: permsBy(PROFILES),
      userPermissions: permsBy([...EMAILS, GHOST]),
    }),
  ),
  want: fc.record({
    state: fc.constantFrom<('active' | 'deactivated')[]>('active', 'active', 'active', 'deactivated'),
    portal: fc.constantFrom('acme-projects', 'acme-newco', 'acme-projects'),
    profiles: permsBy(PROFILES),
    users: fc.subarray(EMAILS),
    overrides: permsBy(EMAILS),
  }),
  landed: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
});

describe('least privilege at every step boundary (in memory)', () => {
  it('after any prefix of the steps (and any items of the call it stopped in), nobody holds more than before ∪ after', () => {
    let prefixes = 0;
    fc.assert(
      fc.property(scenario, ({ profiles, live: spec, want, landed }) => {
        const live = liveOrg({
          users: [...EMAILS.map((email, i) => ({ email, profile: profiles[i] })), { email: GHOST, status: 'disabled' }],
          integration: spec === 'inactive' ? 'inactive' : { portal: spec.portal, users: spec.users, profilePermissions: spec.profilePermissions, userPermissions: spec.userPermissions },
        });
        if (spec !== 'inactive' && spec.orphan && live.integration) live.integration.users.push(ORPHAN);
        const owner = PORTALS.find((p) => p.name === want.portal)?.ownerEmail ?? '';
        const d = desired({
          state: want.state,
          portal: { name: want.portal, zscKeyVar: 'K', zscEmail: owner },
          profiles: want.profiles,
          users: want.users.map((email) => ({ email, ...(want.overrides[email] && { permissions: want.overrides[email] }) })),
        });
        const steps = plan(d, live, planCtx({ maxRevokePct: 100, allowDestructive: true })).steps;
        const before = masks(live);
        const after = masks(applyInMemory(live, steps));
        for (let k = 0; k <= steps.length; k++) {
          // The first k steps, plus any of the rest of the same-kind run (a batched call stopped part-way).
          const partial: Step[] = steps.slice(0, k);
          for (let i = k, n = 0; i < steps.length && steps[i]!.kind === steps[k]!.kind; i++, n++) {
            if (landed[n % landed.length]) partial.push(steps[i]!);
          }
          expect(overGranted(applyInMemory(live, partial), before, after), `after ${k} of ${steps.map((s) => s.id).join(', ')}`).toEqual([]);
          prefixes++;
        }
      }),
      { numRuns: 1000 },
    );
    expect(prefixes).toBeGreaterThan(1000);
  });
});

// Against the sandbox: the example org, its integration and the manifest drawn at random.
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'].map((n) => `${n}@acme.com`);
const SB_PROFILES = ['Standard', 'Manager', 'Sales Rep', 'Support'];
const OWNER: Record<string, string> = { '7001': 'owner@acme.com', '7002': 'newco-owner@acme.com' };

const sandboxScenario = fc.record({
  live: fc.record({
    portal: fc.constantFrom('7001', '7002'),
    users: fc.subarray(USERS),
    profilePermissions: permsBy(SB_PROFILES),
    userPermissions: permsBy(USERS),
  }),
  want: fc.record({
    portal: fc.constantFrom('7001', '7001', '7001', '7002'),
    profiles: permsBy(SB_PROFILES),
    users: fc.subarray(USERS),
    overrides: permsBy(USERS),
  }),
});

function seedFor(spec: { portal: string; users: string[]; profilePermissions: Record<string, Permission[]>; userPermissions: Record<string, Permission[]> }): SandboxState {
  const s = seed();
  const id = (email: string): string => s.users.find((u) => u.email === email)!.id;
  s.integration = {
    status: 'active',
    portal_id: spec.portal,
    users: spec.users.map(id),
    profile_permissions: spec.profilePermissions,
    user_permissions: Object.fromEntries(Object.entries(spec.userPermissions).map(([email, p]) => [id(email), p])),
  };
  return s;
}

function manifestFor(want: { portal: string; profiles: Record<string, Permission[]>; users: string[]; overrides: Record<string, Permission[]> }): Desired {
  const pos = { line: 1, col: 1 };
  return {
    file: 'integration.yaml',
    hash: 'test',
    org: '60012345678',
    orgPos: pos,
    state: 'active',
    statePos: pos,
    portal: { id: want.portal, zscKeyVar: 'K', zscEmail: OWNER[want.portal]!, pos },
    profiles: Object.fromEntries(Object.entries(want.profiles).map(([name, p]) => [name, { permissions: p, pos }])),
    users: want.users.map((email) => ({ email, ...(want.overrides[email] && { permissions: want.overrides[email] }), pos })),
    warnings: [],
  };
}

const ctx = (url: string) => ({
  target: { org: { id: '60012345678', name: 'Acme Corp' }, endpointKind: 'sandbox' as const, endpoint: url },
  options: { allowDestructive: true, maxRevokePct: 100 },
});

/** The real provider, reading the whole org back after every write it makes and checking the invariant. */
function observed(real: Provider, check: () => Promise<void>, afterWrite?: () => void): Provider {
  const writes = ['associatePortal', 'changePortal', 'disassociatePortal', 'deactivate', 'setProfilePermissions', 'grantUsers', 'revokeUsers', 'setUserPermissions'];
  return new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string' || !writes.includes(key) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          await check();
          afterWrite?.();
        }
      };
    },
  });
}

describe('least privilege at every call (against the sandbox)', () => {
  it('reading the org after every call of an apply, nobody ever holds more than before ∪ after', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(sandboxScenario, async ({ live: spec, want }) => {
        const sb = await sandbox({ seed: seedFor(spec) });
        const p = provider(sb);
        const live = await p.read();
        const d = manifestFor(want);
        const first = plan(d, live, ctx(sb.url));
        const after = masks(applyInMemory(live, first.steps));
        const before = masks(live);
        const check = async (): Promise<void> => {
          calls++;
          expect(overGranted(await p.read(), before, after)).toEqual([]);
        };
        const env = { K: want.portal === '7001' ? SECRETS.zsc7001 : SECRETS.zsc7002 };
        const result = await executePlan(first, observed(p, check), { env, retry: FAST_RETRY, allowDestructive: true });
        expect(result.ok, JSON.stringify(result.failed)).toBe(true);
        // The in-memory model and the sandbox agree on where the plan ends, and nothing is left.
        const done = await p.read();
        expect(masks(done)).toEqual(after);
        expect(plan(d, done, ctx(sb.url)).steps).toEqual([]);
        await sb.close();
      }),
      { numRuns: 40 },
    );
    expect(calls).toBeGreaterThan(40);
  }, 60_000);

  it('an apply stopped after each of its calls leaves nobody over-granted, and a re-run converges', async () => {
    // Grants (one with a narrower override), an override narrowed and one removed, a profile raised, revokes.
    const spec = {
      portal: '7001',
      users: ['alice@acme.com', 'bob@acme.com', 'carol@acme.com', 'erin@acme.com', 'grace@acme.com'],
      profilePermissions: { Standard: ['view'], Manager: ['view', 'create'] } as Record<string, Permission[]>,
      userPermissions: { 'grace@acme.com': ['view', 'create', 'edit'], 'carol@acme.com': ['view', 'create'] } as Record<string, Permission[]>,
    };
    const want = {
      portal: '7001',
      profiles: { Standard: ['view', 'create', 'edit', 'delete'], Manager: ['view'] } as Record<string, Permission[]>,
      users: ['alice@acme.com', 'bob@acme.com', 'carol@acme.com', 'dave@acme.com', 'frank@acme.com'],
      overrides: { 'bob@acme.com': ['view'], 'dave@acme.com': ['view'] } as Record<string, Permission[]>,
    };
    const d = manifestFor(want);
    let units = 0;
    for (let stopAfter = 1; ; stopAfter++) {
      const sb = await sandbox({ seed: seedFor(spec) });
      const p = provider(sb);
      const live = await p.read();
      const first = plan(d, live, ctx(sb.url));
      expect(first.steps.map((s) => s.kind)).toEqual([
        'revoke-user', 'revoke-user', // erin, grace
        'set-user-permissions', // bob pinned to view before Standard is raised
        'set-profile-permissions', 'set-profile-permissions',
        'grant-user', 'grant-user', // dave (with his override), frank
        'set-user-permissions', // carol's override removed last
      ]);
      const before = masks(live);
      const after = masks(applyInMemory(live, first.steps));
      const stop = new AbortController();
      let made = 0;
      const check = async (): Promise<void> => {
        expect(overGranted(await p.read(), before, after), `after call ${made + 1}`).toEqual([]);
      };
      const result = await executePlan(first, observed(p, check, () => {
        made++;
        if (made === stopAfter) stop.abort(new ApplyStopped('INTERRUPTED', 'stopped by the test'));
      }), { env: {}, retry: FAST_RETRY, allowDestructive: true, signal: stop.signal });
      units = apiCallsOf(first);
      expect(made).toBe(Math.min(stopAfter, units));
      if (stopAfter < units) expect(result.stopped).toEqual({ code: 'INTERRUPTED', message: 'stopped by the test' });
      // What is left plans and applies to the end.
      const rest = plan(d, await p.read(), ctx(sb.url));
      const finish = await executePlan(rest, p, { env: {}, retry: FAST_RETRY, allowDestructive: true });
      expect(finish.ok).toBe(true);
      expect(plan(d, await p.read(), ctx(sb.url)).steps).toEqual([]);
      await sb.close();
      if (stopAfter >= units) break;
    }
    expect(units).toBe(5);
  }, 60_000);
});
