import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/index.js';
import { permissionMask, type Permission } from '../../../src/model/permissions.js';
import { classifyChange as classifyMasks } from '../../../src/plan/effective-access.js';
import { ALL, desired, liveOrg, planCtx } from '../../helpers/builders.js';

const ctx = planCtx({ maxRevokePct: 100 });

describe('plan: effective access', () => {
  it('classifies a change', () => {
    const classifyChange = (before: Permission[], after: Permission[]) => classifyMasks(permissionMask(before), permissionMask(after));
    expect(classifyChange([], ['view'])).toBe('gains');
    expect(classifyChange(['view'], ['view', 'edit'])).toBe('escalated');
    expect(classifyChange(['view', 'edit'], ['view'])).toBe('reduced');
    expect(classifyChange(['view'], [])).toBe('loses');
    expect(classifyChange(['view', 'edit'], ['view', 'create'])).toBe('changed');
    expect(classifyChange(['edit', 'view'], ['view', 'edit'])).toBeNull();
  });

  it('lists escalations before reductions, then by email, with reasons', () => {
    const live = liveOrg({
      users: ['zoe@acme.com', 'amy@acme.com', 'bob@acme.com', { email: 'erin@acme.com', profile: 'Manager' }, 'sam@acme.com', 'ted@acme.com'],
      integration: {
        users: ['zoe@acme.com', 'amy@acme.com', 'erin@acme.com', 'sam@acme.com', 'ted@acme.com'],
        profilePermissions: { Standard: ['view', 'create', 'edit'], Manager: ALL },
        userPermissions: { 'ted@acme.com': ['view'], 'zoe@acme.com': ['view'] },
      },
    });
    const d = desired({
      profiles: { Standard: ['view'] },
      users: ['amy@acme.com', 'bob@acme.com', 'sam@acme.com', { email: 'zoe@acme.com', permissions: ['view', 'edit'] }, 'ted@acme.com'],
    });
    const p = plan(d, live, ctx);
    expect(p.access.map((a) => [a.email, a.change])).toEqual([
      ['bob@acme.com', 'gains'],
      ['zoe@acme.com', 'escalated'],
      ['amy@acme.com', 'reduced'],
      ['erin@acme.com', 'loses'],
      ['sam@acme.com', 'reduced'],
    ]);
    // ted keeps view: his override goes (profile now gives view), but his access does not change.
    expect(p.access.find((a) => a.email === 'ted@acme.com')).toBeUndefined();
    expect(p.access[0]).toEqual({
      email: 'bob@acme.com', before: [], after: ['view'], change: 'gains',
      beforeReason: { kind: 'none' }, afterReason: { kind: 'profile', profile: 'Standard' },
    });
    expect(p.access[1]).toMatchObject({ beforeReason: { kind: 'override' }, afterReason: { kind: 'override' } });
    expect(p.access[3]).toMatchObject({ before: ALL, after: [], beforeReason: { kind: 'profile', profile: 'Manager' } });
  });

  it('counts the net effect of a portal swap, not its transient loss', () => {
    const live = liveOrg({ users: ['amy@acme.com', 'bob@acme.com'], integration: { users: ['amy@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ['view'] } } });
    const d = desired({ portal: { name: 'acme-newco', zscKeyVar: 'K', zscEmail: 'newco@acme.com' }, profiles: { Standard: ['view'] }, users: ['amy@acme.com'] });
    expect(plan(d, live, ctx).access.map((a) => [a.email, a.change])).toEqual([['bob@acme.com', 'loses']]);
  });

  it('shows everyone losing access on deactivation', () => {
    const live = liveOrg({ users: ['amy@acme.com', 'bob@acme.com'], integration: { users: ['amy@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ['view'] } } });
    expect(plan(desired({ state: 'deactivated' }), live, ctx).access.map((a) => [a.email, a.change])).toEqual([
      ['amy@acme.com', 'loses'],
      ['bob@acme.com', 'loses'],
    ]);
  });

  it('labels a granted id CRM no longer lists', () => {
    const live = liveOrg({ integration: { users: ['ghost@acme.com'], userPermissions: { 'ghost@acme.com': ['view'] } } });
    const p = plan(desired(), live, ctx);
    expect(p.steps).toMatchObject([{ id: 'revoke-user:(user id u-ghost)', user: { id: 'u-ghost' }, before: ['view'] }]);
    expect(p.access).toMatchObject([{ email: '(user id u-ghost)', change: 'loses' }]);
  });
});
