import { describe, expect, it } from 'vitest';
import { executePlan } from '../../../src/apply/index.js';
import type { Desired } from '../../../src/model/desired.js';
import { apiCallsOf } from '../../../src/model/summarize-plan.js';
import { plan } from '../../../src/plan/index.js';
import { FAST_RETRY, provider, sandbox, seed } from './helpers.js';

/**
 * More than 100 per-user overrides (or profiles) in one apply: the executor must split them into calls
 * the API accepts (at most 100 items each), and the plan's call estimate must count those calls.
 */
describe('apply with more than 100 overrides against the sandbox', () => {
  it('splits overrides into calls of at most 100 and converges', async () => {
    const sb = await sandbox({ seed: seed({ extraUsers: 250 }) });
    const p = provider(sb);
    const live = await p.read();
    const active = live.users
      .filter((u) => u.email.startsWith('gen.user') && u.status === 'active')
      .map((u) => u.email)
      .slice(0, 150);
    const pos = { line: 1, col: 1 };
    const want: Desired = {
      file: 'integration.yaml',
      hash: 'sha256:test',
      org: live.org.id,
      orgPos: pos,
      state: 'active',
      statePos: pos,
      portal: { name: 'acme-projects', zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: 'owner@acme.com', pos },
      profiles: { Standard: { permissions: ['view', 'create', 'edit'], pos } },
      users: active.map((email) => ({ email, permissions: ['view'], pos })),
      warnings: [],
    };
    const ctx = {
      target: { org: { id: live.org.id, name: live.org.companyName }, endpointKind: 'sandbox' as const, endpoint: sb.url },
      options: { allowDestructive: true, maxRevokePct: 100 },
    };
    const apply = async (desired: Desired) => {
      const planned = plan(desired, await p.read(), ctx);
      const before = p.stats().calls;
      const result = await executePlan(planned, p, { env: {}, retry: FAST_RETRY, allowDestructive: true });
      expect(result.ok, JSON.stringify(result.failed)).toBe(true);
      expect(p.stats().calls - before).toBe(apiCallsOf(planned));
      expect(plan(desired, await p.read(), ctx).steps).toEqual([]);
      return planned;
    };
    // New users: each override travels with its grant, 100 a call.
    const first = await apply(want);
    expect(first.steps.filter((s) => s.kind === 'grant-user' && s.override !== null)).toHaveLength(150);
    expect(first.steps.filter((s) => s.kind === 'set-user-permissions')).toHaveLength(0);
    expect(apiCallsOf(first)).toBe(1 + 1 + 2); // revokes, profiles, grants (150)
    // Users who keep access: 150 overrides change, in calls of at most 100.
    const second = await apply({ ...want, users: want.users.map((u) => ({ ...u, permissions: ['view', 'create'] })) });
    expect(second.steps.filter((s) => s.kind === 'set-user-permissions')).toHaveLength(150);
    expect(apiCallsOf(second)).toBe(2);
  });
});
