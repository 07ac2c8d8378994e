import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/index.js';
import { ALL, desired, liveOrg, planCtx } from '../../helpers/builders.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const inputs = () => ({
  d: desired({
    portal: { name: 'acme-newco', zscKeyVar: 'K', zscEmail: 'newco@acme.com' },
    profiles: { Standard: ['view'] },
    users: ['amy@acme.com', { email: 'bob@acme.com', permissions: ['view', 'edit'] }],
    warnings: ['w'],
  }),
  live: liveOrg({
    users: ['amy@acme.com', 'bob@acme.com', 'cat@acme.com'],
    integration: { users: ['cat@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ALL }, userPermissions: { 'bob@acme.com': ['view'] } },
    links: { Accounts: 1, Contacts: 1, Deals: 1 },
  }),
  ctx: planCtx(),
});

describe('plan: purity', () => {
  it('does not mutate its inputs (they can be frozen)', () => {
    const { d, live, ctx } = inputs();
    const before = structuredClone({ d, live, ctx });
    expect(() => plan(deepFreeze(d), deepFreeze(live), deepFreeze(ctx))).not.toThrow();
    expect({ d, live, ctx }).toEqual(before);
  });

  it('returns equal plans for equal inputs, sharing nothing with them', () => {
    const a = inputs();
    const b = inputs();
    const p = plan(a.d, a.live, a.ctx);
    expect(plan(b.d, b.live, b.ctx)).toEqual(p);
    for (const s of p.steps) if (Array.isArray(s.after)) s.after.push('delete');
    p.warnings.push('x');
    p.target.org.name = 'changed';
    expect(a.d.warnings).toEqual(['w']);
    expect(a.ctx.target.org.name).toBe('Acme Corp');
    expect(a.live.integration?.profilePermissions.Standard).toEqual(ALL);
    expect(a.d.profiles.Standard?.permissions).toEqual(['view']);
  });
});
