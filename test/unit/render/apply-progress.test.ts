import { describe, expect, it } from 'vitest';
import type { ApplyEvent, ApplyResult } from '../../../src/apply/index.js';
import { formatStepLine, formatSummary } from '../../../src/render/apply-progress.js';
import { groupSteps } from '../../../src/apply/group-steps.js';
import type { StepRef } from '../../../src/model/apply-events.js';
import { associate, grant, profilePerms, revoke, userPerms } from '../apply/plan-fixtures.js';

const ref = (over: Partial<StepRef> = {}): StepRef => ({
  stepId: 'grant-user:carol@acme.com', index: 3, total: 14, kind: 'grant-user', action: 'create', target: 'carol@acme.com', ...over,
});

describe('formatStepLine', () => {
  it.each<[ApplyEvent, string | undefined]>([
    [{ type: 'step_done', manual: false, retries: 1, ms: 400, ...ref() }, '[3/14] + grant carol@acme.com … ok (1 retry, 0.4 s)'],
    [{ type: 'step_done', manual: false, retries: 0, ms: 1250, ...ref() }, '[3/14] + grant carol@acme.com … ok (1.3 s)'],
    [
      { type: 'step_done', manual: false, retries: 2, ms: 30, ...ref({ kind: 'set-profile-permissions', action: 'update', target: 'Standard' }) },
      '[3/14] ~ profile Standard … ok (2 retries, 0.0 s)',
    ],
    [
      { type: 'step_done', manual: true, retries: 0, ms: 9000, ...ref({ kind: 'associate-portal', action: 'replace', target: 'acme-newco' }) },
      '[3/14] -/+ portal acme-newco … done (confirmed by the administrator)',
    ],
    [
      { type: 'step_failed', retries: 0, ms: 100, error: { code: 'INVALID_DATA', message: 'user x is not active' }, ...ref({ kind: 'revoke-user', action: 'delete', target: 'x' }) },
      '[3/14] - revoke x … failed: INVALID_DATA: user x is not active (0.1 s)',
    ],
    [
      { type: 'step_retried', attempt: 2, retries: 1, stepIds: ['a', 'b', 'c'], delayMs: 2000, error: { code: 'TOO_MANY_REQUESTS', message: 'slow down' }, ...ref() },
      '[3/14] + grant carol@acme.com (and 2 more in the same call) … retry 1 in 2.0 s after TOO_MANY_REQUESTS: slow down',
    ],
    [{ type: 'step_started', manual: false, ...ref() }, undefined],
  ])('%#: %j', (ev, line) => {
    expect(formatStepLine(ev)).toBe(line);
  });

  it('colours the outcome only when asked', () => {
    const ev: ApplyEvent = { type: 'step_done', manual: false, retries: 0, ms: 0, ...ref() };
    expect(formatStepLine(ev, { color: true })).toBe('[3/14] + grant carol@acme.com … \x1b[32mok\x1b[0m (0.0 s)');
  });
});

describe('formatSummary', () => {
  const base: ApplyResult = { ok: true, done: ['a', 'b', 'c', 'd', 'e'], remaining: [], counts: { added: 3, changed: 1, removed: 1 }, calls: 4, retries: 0, ms: 10 };

  it('counts what was done', () => {
    expect(formatSummary(base)).toBe('Apply complete: 3 added, 1 changed, 1 removed.');
  });

  it('separates thousands and agrees in number', () => {
    expect(formatSummary({ ...base, counts: { added: 2_500, changed: 1, removed: 12_345 } })).toBe(
      'Apply complete: 2,500 added, 1 changed, 12,345 removed.',
    );
    const left = Array.from({ length: 1_003 }, (_, i) => `grant-user:u${i}@x`);
    const stopped: ApplyResult = { ...base, ok: false, done: ['a'], remaining: left, stopped: { code: 'INTERRUPTED', message: 'interrupted by SIGINT' } };
    expect(formatSummary(stopped, { steps: Array.from({ length: 1_004 }) } as never)).toBe(
      'Apply stopped: interrupted by SIGINT. 1 step of 1,004 completed, 1,003 steps left (grant-user:u0@x, grant-user:u1@x, grant-user:u2@x and 1,000 more); ' +
        'no call was cut short. Run `zpi apply` again to finish the rest.',
    );
    const retried: ApplyEvent = {
      type: 'step_retried', attempt: 2, retries: 1, stepIds: Array.from({ length: 1_001 }, (_, i) => `s${i}`), error: { code: 'X', message: 'y' }, ...ref(),
    };
    expect(formatStepLine(retried)).toBe('[3/14] + grant carol@acme.com (and 1,000 more in the same call) … retry 1 after X: y');
  });

  it('names the failed step, its code and what to do', () => {
    const failed = { ...ref({ index: 5, target: 'x' }), code: 'INVALID_DATA', message: 'user x is not active' };
    const r: ApplyResult = { ...base, ok: false, done: ['a', 'b', 'c', 'd'], failed, remaining: ['x', 'y'] };
    expect(formatSummary(r)).toBe(
      'Apply failed at step [5/14] grant x: INVALID_DATA: user x is not active. 4 steps completed; run `zpi apply` again to finish the rest.',
    );
  });
});

describe('groupSteps', () => {
  const steps = [
    associate('p', '1'),
    profilePerms('A', '10', ['view']),
    profilePerms('B', '11', ['view']),
    grant('a@x', '1'),
    grant('b@x', '2'),
    grant('c@x', '3'),
    grant('d@x', '4'),
    grant('e@x', '5'),
    userPerms('a@x', '1', null),
    revoke('f@x', '6'),
    revoke('g@x', '7'),
  ];
  const unitsOf = (manual: boolean) => groupSteps({ steps, manual }, 2).map((u) => [u.kind, u.manual, u.steps.map((s) => s.index)]);

  it('batches consecutive steps of a kind and never reorders', () => {
    expect(unitsOf(false)).toEqual([
      ['associate-portal', false, [1]],
      ['set-profile-permissions', false, [2, 3]],
      ['grant-user', false, [4, 5]],
      ['grant-user', false, [6, 7]],
      ['grant-user', false, [8]],
      ['set-user-permissions', false, [9]],
      ['revoke-user', false, [10, 11]],
    ]);
  });

  it('in a manual plan, makes one unit per Setup screen visit, whatever the batch size', () => {
    expect(unitsOf(true)).toEqual([
      ['associate-portal', true, [1]],
      ['set-profile-permissions', true, [2, 3]],
      ['grant-user', true, [4, 5, 6, 7, 8, 9, 10, 11]],
    ]);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => groupSteps({ steps: [], manual: false }, 0)).toThrow(RangeError);
  });
});
