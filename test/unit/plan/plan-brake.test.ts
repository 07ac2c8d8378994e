import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/index.js';
import { planSummary } from '../../../src/model/summarize-plan.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';

const EMAILS = Array.from({ length: 8 }, (_, i) => `u${i}@acme.com`);
/** 8 users with access; the manifest keeps the first `keep`. */
const revoking = (keep: number, maxRevokePct = 25) =>
  plan(
    desired({ users: EMAILS.slice(0, keep) }),
    liveOrg({ users: EMAILS, integration: { users: EMAILS } }),
    planCtx({ maxRevokePct }),
  );

describe('plan: mass-revoke brake', () => {
  it('does not fire at the threshold', () => {
    const p = revoking(6); // 2 of 8 = 25%
    expect(p.brake).toBeNull();
    expect(p.steps.every((s) => !s.destructive)).toBe(true);
    expect(planSummary(p).destructive).toBe(0);
  });

  it('fires above it, making every revoke destructive', () => {
    const p = revoking(5); // 3 of 8 = 37.5%
    expect(p.brake).toEqual({ revoking: 3, withAccess: 8, pct: 37.5, maxPct: 25 });
    expect(p.steps.map((s) => [s.kind, s.destructive])).toEqual([
      ['revoke-user', true],
      ['revoke-user', true],
      ['revoke-user', true],
    ]);
    expect(planSummary(p).destructive).toBe(3);
  });

  it('follows --max-revoke', () => {
    expect(revoking(5, 40).brake).toBeNull();
    expect(revoking(7, 10).brake).toEqual({ revoking: 1, withAccess: 8, pct: 12.5, maxPct: 10 });
    expect(revoking(0, 100).brake).toBeNull();
  });

  it('needs at least one revoke', () => {
    expect(revoking(8, 0).brake).toBeNull();
  });

  it('leaves grants alone when it fires', () => {
    const live = liveOrg({ users: [...EMAILS, 'new@acme.com'], integration: { users: EMAILS.slice(0, 2) } });
    const p = plan(desired({ users: ['new@acme.com'] }), live, planCtx());
    expect(p.brake).toMatchObject({ revoking: 2, withAccess: 2, pct: 100 });
    expect(p.steps.map((s) => [s.kind, s.destructive])).toEqual([
      ['revoke-user', true],
      ['revoke-user', true],
      ['grant-user', false],
    ]);
  });
});
