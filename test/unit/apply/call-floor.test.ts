import { describe, expect, it } from 'vitest';
import { executePlan } from '../../../src/apply/index.js';
import { groupSteps } from '../../../src/apply/group-steps.js';
import type { Permission } from '../../../src/model/permissions.js';
import { apiCallsOf } from '../../../src/model/summarize-plan.js';
import { plan } from '../../../src/plan/index.js';
import { desired, liveOrg, planCtx, userId } from '../../helpers/builders.js';
import { ScriptedProvider } from './scripted-provider.js';

/**
 * Apply at the floor: one call for all profile permissions, one for the overrides set before the
 * profiles change and one for those removed after the grants (least privilege, DESIGN §4), 100 ids
 * per grant or revoke call (a new user's override travels with the grant), and nothing else. The plan lists one step per user; the executor
 * must fold them into exactly that many calls, and apiCallsOf(plan) must say so beforehand.
 */
const emails = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}@acme.com`);

describe('apply makes the fewest calls there can be', () => {
  const keep = emails('keep', 120);
  const leave = emails('leave', 130);
  const join = emails('join', 230);
  const live = liveOrg({
    users: [...keep, ...leave, ...join],
    integration: {
      users: [...keep, ...leave],
      profilePermissions: { Standard: ['view'], Manager: ['view', 'create'], 'Sales Rep': ['view'] },
      userPermissions: Object.fromEntries(keep.slice(0, 10).map((e) => [e, ['view']])),
    },
  });
  const want = desired({
    profiles: { Standard: ['view', 'create'], Manager: ['view'], 'Sales Rep': ['view', 'create', 'edit'] },
    users: [
      // Five overrides change, five are removed (the profile's permissions apply again), three are new.
      ...keep.map((email, i) => (i < 5 ? { email, permissions: ['view', 'edit'] as Permission[] } : { email })),
      ...join.map((email, i) => (i < 3 ? { email, permissions: ['view'] as Permission[] } : { email })),
    ],
  });
  const p = plan(want, live, planCtx({ maxRevokePct: 100 }));
  const count = (kind: string) => p.steps.filter((s) => s.kind === kind).length;

  it('plans one step per user and per profile', () => {
    expect([count('set-profile-permissions'), count('grant-user'), count('set-user-permissions'), count('revoke-user')]).toEqual([3, 230, 10, 130]);
    // ⌈130/100⌉ revokes + 1 overrides set + 1 profiles call + ⌈230/100⌉ grants + 1 overrides removed.
    expect(apiCallsOf(p)).toBe(2 + 1 + 1 + 3 + 1);
  });

  it('groups consecutive steps of a kind into exactly that many units, none over 100 ids', () => {
    const units = groupSteps(p, 100);
    expect(units.map((u) => [u.kind, u.steps.length])).toEqual([
      ['revoke-user', 100],
      ['revoke-user', 30],
      ['set-user-permissions', 5],
      ['set-profile-permissions', 3],
      ['grant-user', 100],
      ['grant-user', 100],
      ['grant-user', 30],
      ['set-user-permissions', 5],
    ]);
  });

  it('makes exactly apiCallsOf(plan) provider calls, covering every user once', async () => {
    const provider = new ScriptedProvider();
    const result = await executePlan(p, provider, { env: {}, allowDestructive: true });
    expect(result.ok).toBe(true);
    expect(result.calls).toBe(apiCallsOf(p));
    expect(provider.calls).toHaveLength(apiCallsOf(p));
    const idOf = (a: string | { userId: string }) => (typeof a === 'string' ? a : a.userId);
    const ids = (method: string) => provider.calls.filter((c) => c.method === method).flatMap((c) => (c.args as (string | { userId: string })[]).map(idOf));
    expect(ids('grantUsers').sort()).toEqual(join.map(userId).sort());
    expect(ids('revokeUsers').sort()).toEqual(leave.map(userId).sort());
    // The three new overrides go with their grants.
    const carried = provider.calls.filter((c) => c.method === 'grantUsers').flatMap((c) => c.args as unknown[]).filter((a) => typeof a !== 'string');
    expect(carried).toEqual(join.slice(0, 3).map((e) => ({ userId: userId(e), permissions: ['view'] })));
    expect(provider.calls.filter((c) => c.method === 'setUserPermissions')).toHaveLength(2);
    expect(provider.calls.filter((c) => c.method === 'setProfilePermissions')).toHaveLength(1);
  });
});
