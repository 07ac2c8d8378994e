import { describe, expect, it } from 'vitest';
import { executePlan, type ApplyEvent, type ExecuteOptions } from '../../../src/apply/index.js';
import { formatSummary } from '../../../src/render/apply-progress.js';
import { UserError, ZohoApiError } from '../../../src/model/errors.js';
import type { Plan, Step } from '../../../src/model/plan.js';
import { associate, changePortal, grant, makePlan, profilePerms, revoke } from './plan-fixtures.js';
import { ScriptedProvider } from './scripted-provider.js';

const FAST = { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 1, factor: 1, randomize: false };
const KEY = 'zsc-7001-very-secret';

async function run(plan: Plan, provider: ScriptedProvider, over: Partial<ExecuteOptions> = {}) {
  const events: ApplyEvent[] = [];
  const result = await executePlan(plan, provider, {
    env: { ZPI_ZSC_KEY: KEY },
    retry: FAST,
    allowDestructive: false,
    onEvent: (e) => events.push(e),
    ...over,
  });
  return { result, events };
}

describe('executePlan: preflight refusals write nothing', () => {
  const swap = makePlan([changePortal({ id: '7001', name: 'acme-projects' }, { id: '7002', name: 'acme-newco' }), grant('carol@acme.com', '201')]);

  it('refuses destructive steps without --allow-destructive, before any call', async () => {
    const p = new ScriptedProvider();
    const err = await run(swap, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      'plan has 1 destructive step (change portal acme-projects → acme-newco); re-run with --allow-destructive',
    );
    expect(p.calls).toEqual([]);
  });

  it('summarises a mass revoke by the brake numbers', async () => {
    const revokes = [revoke('a@acme.com', '1', { destructive: true }), revoke('b@acme.com', '2', { destructive: true })];
    const plan = makePlan(revokes, { brake: { revoking: 2, withAccess: 3, pct: 66.7, maxPct: 25 } });
    const p = new ScriptedProvider();
    await expect(run(plan, p)).rejects.toThrow(
      'plan has 2 destructive steps (revoking 2 of 3 users with access (67% > 25%)); re-run with --allow-destructive',
    );
    expect(p.calls).toEqual([]);
  });

  it('runs destructive steps when allowed on apply or recorded in the plan', async () => {
    for (const [plan, allow] of [[swap, true], [{ ...swap, options: { ...swap.options, allowDestructive: true } }, false]] as const) {
      const p = new ScriptedProvider();
      const { result } = await run(plan, p, { allowDestructive: allow });
      expect(p.sequence.map((c) => c.method)).toEqual(['changePortal', 'grantUsers']);
      expect(result.counts).toEqual({ added: 1, changed: 1, removed: 0 });
    }
  });

  it.each([[{}], [{ ZPI_ZSC_KEY: '' }]])('refuses when the ZSC key variable is unset (%j), before any call', async (env) => {
    const plan = makePlan([grant('carol@acme.com', '201'), associate('acme-newco', '7002')]);
    const p = new ScriptedProvider();
    await expect(run(plan, p, { env })).rejects.toThrow(
      new UserError('ZSC key variable $ZPI_ZSC_KEY is not set; the associate-portal step needs it'),
    );
    expect(p.calls).toEqual([]);
  });

  it('needs no ZSC key when no step associates, or the associate step is manual', async () => {
    const p = new ScriptedProvider();
    await run(makePlan([grant('carol@acme.com', '201')]), p, { env: {} });
    const manual = makePlan([associate('acme-newco', '7002', 'ZPI_ZSC_KEY')], { manual: true });
    await run(manual, p, { env: {} });
    expect(p.sequence.map((c) => c.method)).toEqual(['grantUsers']);
  });
});

describe('executePlan: the ZSC key', () => {
  it('reaches the provider, but never an event, the result or the summary', async () => {
    const wrongKey = new ZohoApiError(400, 'INVALID_ZSC_KEY', `the ZSC key ${KEY} does not belong to owner@acme.com`, false);
    const p = new ScriptedProvider({ associatePortal: [wrongKey] });
    const plan = makePlan([associate('acme-newco', '7002')]);
    const { result, events } = await run(plan, p);
    expect(p.sequence).toEqual([
      { method: 'associatePortal', args: { portalId: '7002', zscKey: KEY, email: 'owner@acme.com' } },
    ]);
    expect(result.failed).toMatchObject({ code: 'INVALID_ZSC_KEY', message: expect.stringMatching(/^the ZSC key \*\*\* does not belong to owner@acme\.com; /) });
    // Says what to check, by name: the variable and the email.
    expect(result.failed?.message).toMatch(/; check that \$\w+ holds the ZSC key of portal acme-newco and that owner@acme\.com is the email it belongs to$/);
    const summary = formatSummary(result);
    expect(summary).toContain('INVALID_ZSC_KEY: the ZSC key *** does not belong');
    for (const text of [JSON.stringify(events), JSON.stringify(result), summary]) expect(text).not.toContain(KEY);
  });

  it('is redacted from retry events too', async () => {
    const flaky = new ZohoApiError(503, 'INTERNAL_ERROR', `upstream echoed ${KEY}`, true);
    const p = new ScriptedProvider({ associatePortal: [flaky, 'ok'] });
    const { result, events } = await run(makePlan([associate('acme-newco', '7002')]), p);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(events)).not.toContain(KEY);
    expect(JSON.stringify(events)).toContain('upstream echoed ***');
  });
});

describe('executePlan: manual steps', () => {
  // A manual plan (real Zoho): an administrator does every step in Setup, one screen visit at a time.
  const steps: Step[] = [
    grant('carol@acme.com', '201'),
    profilePerms('Standard', '101', ['view']),
    grant('dave@acme.com', '202'),
    revoke('erin@acme.com', '205'),
  ];
  const plan = makePlan(steps, { manual: true });

  it('with --auto-approve and no way to confirm, stops before the first manual step and says why', async () => {
    const p = new ScriptedProvider();
    const { result, events } = await run(plan, p);
    expect(p.sequence).toEqual([]);
    expect(result).toMatchObject({
      ok: false,
      done: [],
      stoppedAtManual: 'grant-user:carol@acme.com',
      manualStop: { index: 1, total: 4, reason: 'cannot-confirm' },
      remaining: ['grant-user:carol@acme.com', 'set-profile-permissions:Standard', 'grant-user:dave@acme.com', 'revoke-user:erin@acme.com'],
    });
    expect(events.filter((e) => 'stepId' in e && e.stepId === 'grant-user:carol@acme.com')).toEqual([]);
    expect(formatSummary(result, plan)).toBe(
      'Apply stopped before manual step [1/4] grant carol@acme.com: Zoho has no API for it, so an administrator must do it ' +
        'in Zoho CRM Setup, and without a terminal zpi cannot ask whether it is done. 0 steps of 4 completed; ' +
        'do it (`zpi plan` prints the Setup instructions), then run `zpi apply` again to finish the rest.',
    );
  });

  it('asks for each Setup screen visit with its instructions, and continues once confirmed', async () => {
    const p = new ScriptedProvider();
    const asked: [string, string][] = [];
    const { result, events } = await run(plan, p, {
      confirmManual: async (block) => {
        // One block per visit: the user, the profile, then the next two users (one screen, after the profile).
        asked.push([block.steps.map((s) => s.id).join(','), block.screen]);
        return true;
      },
    });
    expect(asked.map(([id]) => id)).toEqual([
      'grant-user:carol@acme.com',
      'set-profile-permissions:Standard',
      'grant-user:dave@acme.com,revoke-user:erin@acme.com',
    ]);
    expect(asked.map(([, screen]) => screen)).toEqual(['users', 'profiles', 'users']);
    // Zoho has no API for any of it: no call is made.
    expect(p.sequence).toEqual([]);
    expect(result).toMatchObject({ ok: true, calls: 0, counts: { added: 2, changed: 1, removed: 1 } });
    expect(events.filter((e) => e.type === 'step_done' && e.manual).length).toBe(4);
  });

  it('stops at a manual step the admin does not confirm', async () => {
    const p = new ScriptedProvider();
    // The first visit is confirmed, the second is not.
    let asked = 0;
    const { result } = await run(plan, p, { confirmManual: async () => asked++ === 0 });
    expect(p.sequence).toEqual([]);
    expect(result).toMatchObject({ ok: false, stoppedAtManual: 'set-profile-permissions:Standard', manualStop: { reason: 'not-confirmed' } });
    expect(formatSummary(result)).toBe(
      'Apply stopped at manual step [2/4] profile Standard: not confirmed as done. 1 step completed; ' +
        'once it is done in Zoho CRM Setup, run `zpi apply` again to finish the rest (what was confirmed is recorded and not asked again).',
    );
  });
});
