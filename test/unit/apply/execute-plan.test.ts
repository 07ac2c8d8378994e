import { describe, expect, it, vi } from 'vitest';
import { executePlan, type ApplyEvent, type ExecuteOptions } from '../../../src/apply/index.js';
import { formatStepLine, formatSummary } from '../../../src/render/apply-progress.js';
import { ZohoApiError } from '../../../src/model/errors.js';
import type { Plan } from '../../../src/model/plan.js';
import { associate, deactivate, grant, makePlan, profilePerms, rest, revoke, userPerms, users } from './plan-fixtures.js';
import { itemsFailing, ScriptedProvider } from './scripted-provider.js';

const FAST = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 2, factor: 1, randomize: false };
const unavailable = () => new ZohoApiError(503, 'SERVICE_UNAVAILABLE', 'Zoho is busy', true);

async function run(plan: Plan, provider: ScriptedProvider, over: Partial<ExecuteOptions> = {}) {
  const events: ApplyEvent[] = [];
  const result = await executePlan(plan, provider, {
    env: { ZPI_ZSC_KEY: 'zsc-secret-value' },
    retry: FAST,
    allowDestructive: false,
    onEvent: (e) => events.push(e),
    ...over,
  });
  return { result, events, of: (type: ApplyEvent['type']) => events.filter((e) => e.type === type) };
}

describe('executePlan: batching', () => {
  it('sends 250 grants as 3 calls of 100/100/50 ids, with one started/done event per step', async () => {
    const us = users(250);
    const plan = makePlan(us.map((u) => grant(u.email, u.id)));
    const p = new ScriptedProvider();
    const { result, of } = await run(plan, p);
    expect(p.sequence).toEqual([
      { method: 'grantUsers', args: us.slice(0, 100).map((u) => u.id) },
      { method: 'grantUsers', args: us.slice(100, 200).map((u) => u.id) },
      { method: 'grantUsers', args: us.slice(200).map((u) => u.id) },
    ]);
    expect(result).toMatchObject({ ok: true, remaining: [], counts: { added: 250, changed: 0, removed: 0 }, calls: 3, retries: 0 });
    expect(result.done).toEqual(plan.steps.map((s) => s.id));
    expect(of('step_started')).toHaveLength(250);
    expect(of('step_done').map((e) => (e as { index: number }).index)).toEqual(us.map((_, i) => i + 1));
    expect(of('summary')).toHaveLength(1);
    expect(formatSummary(result)).toBe('Apply complete: 250 added, 0 changed, 0 removed.');
  });

  it('makes one call per batch of a kind, in plan order; every batched kind obeys the batch size', async () => {
    const plan = makePlan([
      associate('acme-projects', '7001'),
      profilePerms('Standard', '101', ['view']),
      profilePerms('Sales Rep', '102', []),
      grant('carol@acme.com', '201'),
      grant('dave@acme.com', '202'),
      userPerms('grace@acme.com', '203', ['view', 'create']),
      userPerms('henry@acme.com', '204', null),
      revoke('erin@acme.com', '205'),
    ]);
    const p = new ScriptedProvider();
    const { result } = await run(plan, p, { batchSize: 1 });
    expect(p.sequence).toEqual([
      { method: 'associatePortal', args: { portalId: '7001', zscKey: 'zsc-secret-value', email: 'owner@acme.com' } },
      { method: 'setProfilePermissions', args: [{ profileId: '101', profile: 'Standard', permissions: ['view'] }] },
      { method: 'setProfilePermissions', args: [{ profileId: '102', profile: 'Sales Rep', permissions: [] }] },
      { method: 'grantUsers', args: ['201'] },
      { method: 'grantUsers', args: ['202'] },
      { method: 'setUserPermissions', args: [{ userId: '203', permissions: ['view', 'create'] }] },
      { method: 'setUserPermissions', args: [{ userId: '204', permissions: null }] },
      { method: 'revokeUsers', args: ['205'] },
    ]);
    expect(result).toMatchObject({ ok: true, counts: { added: 3, changed: 4, removed: 1 }, calls: 8 });
    const q = new ScriptedProvider();
    await run(plan, q, { batchSize: 2 });
    expect(q.sequence.map((c) => c.method)).toEqual([
      'associatePortal', 'setProfilePermissions', 'grantUsers', 'setUserPermissions', 'revokeUsers',
    ]);
  });
});

describe('executePlan: retries', () => {
  it('retries a retryable failure and reports the retry on the step', async () => {
    const plan = makePlan([grant('carol@acme.com', '201'), revoke('erin@acme.com', '205')]);
    const p = new ScriptedProvider({ grantUsers: [unavailable(), 'ok'] });
    const { result, events, of } = await run(plan, p);
    expect(p.sequence).toEqual([
      { method: 'grantUsers', args: ['201'] },
      { method: 'grantUsers', args: ['201'] },
      { method: 'revokeUsers', args: ['205'] },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'step_started', 'step_retried', 'step_done', 'step_started', 'step_done', 'summary',
    ]);
    expect(of('step_retried')[0]).toMatchObject({
      stepId: 'grant-user:carol@acme.com', attempt: 2, retries: 1, stepIds: ['grant-user:carol@acme.com'],
      error: { code: 'SERVICE_UNAVAILABLE', message: 'Zoho is busy' },
    });
    const done = of('step_done');
    expect(done.map((e) => (e as { retries: number }).retries)).toEqual([1, 0]);
    expect(formatStepLine(done[0] as ApplyEvent)).toMatch(/^\[1\/2\] \+ grant carol@acme\.com … ok \(1 retry, \d+\.\d s\)$/);
    expect(result).toMatchObject({ ok: true, calls: 3, retries: 1 });
  });

  it('attributes a batch retry to every step of the batch', async () => {
    const us = users(3);
    const p = new ScriptedProvider({ grantUsers: [unavailable(), unavailable(), 'ok'] });
    const { result, of } = await run(makePlan(us.map((u) => grant(u.email, u.id))), p);
    expect(p.calls).toHaveLength(3);
    expect(of('step_retried')).toHaveLength(2);
    expect(of('step_done').map((e) => (e as { retries: number }).retries)).toEqual([2, 2, 2]);
    expect(result).toMatchObject({ calls: 3, retries: 2 });
  });

  it('waits at least Retry-After before the next attempt (fake clock)', async () => {
    const throttled = new ZohoApiError(429, 'TOO_MANY_REQUESTS', 'slow down', true, 60);
    const p = new ScriptedProvider({ revokeUsers: [throttled, 'ok'] });
    // The calls' arrival times (performance.now) on a clock that moves only as the timers fire.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    let running: ReturnType<typeof run>;
    try {
      running = run(makePlan([revoke('erin@acme.com', '205')]), p);
      await vi.runAllTimersAsync();
    } finally {
      vi.useRealTimers();
    }
    const { result, of } = await running;
    expect(p.sequence.map((c) => c.method)).toEqual(['revokeUsers', 'revokeUsers']);
    const [first, second] = p.calls;
    expect(second!.at - first!.at).toBe(60);
    expect(of('step_retried')[0]).toMatchObject({ delayMs: 60, error: { code: 'TOO_MANY_REQUESTS' } });
    expect(result.ok).toBe(true);
  });

  it('gives up at once on a non-retryable 4xx, naming the step and Zoho code', async () => {
    const bad = new ZohoApiError(400, 'INVALID_DATA', 'profile 101 does not exist', false);
    const plan = makePlan([profilePerms('Standard', '101', ['view']), grant('carol@acme.com', '201')]);
    const p = new ScriptedProvider({ setProfilePermissions: [bad] });
    const { result, of } = await run(plan, p);
    expect(p.sequence.map((c) => c.method)).toEqual(['setProfilePermissions']);
    expect(of('step_retried')).toHaveLength(0);
    expect(result).toMatchObject({
      ok: false, done: [], calls: 1, retries: 0,
      failed: { stepId: 'set-profile-permissions:Standard', index: 1, total: 2, code: 'INVALID_DATA', message: 'profile 101 does not exist' },
      remaining: ['set-profile-permissions:Standard', 'grant-user:carol@acme.com'],
    });
    expect(formatSummary(result)).toBe(
      'Apply failed at step [1/2] profile Standard: INVALID_DATA: profile 101 does not exist. ' +
        '0 steps completed; run `zpi apply` again to finish the rest.',
    );
  });

  it('fails the step once retries are exhausted', async () => {
    const p = new ScriptedProvider({ deactivate: [unavailable(), unavailable(), unavailable(), unavailable(), 'ok'] });
    const plan = makePlan([deactivate('acme-projects', '7001')]);
    const { result, of } = await run(plan, p, { allowDestructive: true, retry: { ...FAST, retries: 2 } });
    expect(p.sequence.map((c) => c.method)).toEqual(['deactivate', 'deactivate', 'deactivate']);
    expect(result).toMatchObject({ ok: false, calls: 3, retries: 2, failed: { stepId: 'deactivate:acme-projects', code: 'SERVICE_UNAVAILABLE' } });
    expect(of('step_failed')[0]).toMatchObject({ retries: 2, error: { code: 'SERVICE_UNAVAILABLE', message: 'Zoho is busy (gave up after 3 attempts)' } });
  });
});

describe('executePlan: partial failure', () => {
  const us = users(3);
  const plan = makePlan([...us.map((u) => grant(u.email, u.id)), revoke('erin@acme.com', '205')]);

  it('fails only the items Zoho refused in a 200 answer; the rest of the batch is done', async () => {
    const p = new ScriptedProvider({ grantUsers: [itemsFailing({ '1001': ['INVALID_DATA', 'user u1@acme.com is not active'] })] });
    const { result, of } = await run(plan, p);
    expect(p.sequence).toEqual([{ method: 'grantUsers', args: ['1000', '1001', '1002'] }]);
    expect(result).toMatchObject({
      ok: false,
      done: ['grant-user:u0@acme.com', 'grant-user:u2@acme.com'],
      failed: { stepId: 'grant-user:u1@acme.com', index: 2, code: 'INVALID_DATA', message: 'user u1@acme.com is not active' },
      remaining: ['grant-user:u1@acme.com', 'revoke-user:erin@acme.com'],
      counts: { added: 2, changed: 0, removed: 0 },
    });
    expect(of('step_failed').map((e) => (e as { stepId: string }).stepId)).toEqual(['grant-user:u1@acme.com']);
    expect(formatSummary(result, plan)).toBe(
      'Apply failed at step [2/4] grant u1@acme.com: INVALID_DATA: user u1@acme.com is not active. ' +
        '2 steps of 4 completed; run `zpi apply` again to finish the rest.',
    );
  });

  it('stops at a failed call, and a re-run of what is left makes only the remaining calls', async () => {
    const p = new ScriptedProvider({ revokeUsers: [new ZohoApiError(403, 'NO_PERMISSION', 'not an administrator', false)] });
    const first = await run(plan, p);
    expect(first.result.done).toEqual(us.map((u) => `grant-user:${u.email}`));
    expect(first.result.remaining).toEqual(['revoke-user:erin@acme.com']);

    const again = new ScriptedProvider();
    const second = await run(rest(plan, first.result.done), again);
    expect(again.sequence).toEqual([{ method: 'revokeUsers', args: ['205'] }]);
    expect(second.result).toMatchObject({ ok: true, done: ['revoke-user:erin@acme.com'], counts: { removed: 1 } });
  });

  it('treats an item missing from the answer as not done', async () => {
    const p = new ScriptedProvider({ grantUsers: [() => [{ id: '1000', ok: true, code: 'SUCCESS', message: '' }]] });
    const { result } = await run(plan, p);
    expect(result.failed).toMatchObject({ stepId: 'grant-user:u1@acme.com', code: 'NO_RESULT' });
  });

  it('lets an error that is not Zoho answering (a bug) propagate', async () => {
    const p = new ScriptedProvider({ grantUsers: [new TypeError('x is undefined')] });
    await expect(run(plan, p)).rejects.toThrow(TypeError);
  });
});
