import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../../src/model/permissions.js';
import { plan } from '../../../src/plan/index.js';
import { effectiveAccess, subjectOf } from '../../../src/plan/effective-access.js';
import { liveState } from '../../../src/plan/integration-state.js';
import { applyInMemory } from '../../helpers/apply-in-memory.js';
import { desired, liveOrg, planCtx, PROFILES } from '../../helpers/builders.js';

const EMAILS = ['amy', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus'].map((n) => `${n}@acme.com`);

// Valid permission sets only: create/edit/delete need view (the loader refuses the rest).
const perms: fc.Arbitrary<Permission[]> = fc.oneof(
  fc.constant([] as Permission[]),
  fc.subarray(['create', 'edit', 'delete'] as Permission[]).map((rest) => PERMISSIONS.filter((p) => p === 'view' || rest.includes(p))),
);
const permsBy = <K extends string>(keys: K[]) => fc.dictionary(fc.constantFrom(...keys), perms, { maxKeys: keys.length });

const scenario = fc.record({
  profiles: fc.array(fc.constantFrom(...PROFILES), { minLength: EMAILS.length, maxLength: EMAILS.length }),
  live: fc.oneof(
    fc.constant('inactive' as const),
    fc.record({
      portal: fc.constantFrom('acme-projects', 'acme-newco'),
      users: fc.subarray(EMAILS),
      profilePermissions: permsBy(PROFILES),
      userPermissions: permsBy(EMAILS),
    }),
  ),
  want: fc.record({
    // Mostly active: that is where the interesting steps are.
    state: fc.constantFrom<('active' | 'deactivated')[]>('active', 'active', 'deactivated'),
    portal: fc.constantFrom('acme-projects', 'acme-newco'),
    profiles: permsBy(PROFILES),
    users: fc.subarray(EMAILS),
    overrides: permsBy(EMAILS),
  }),
});

describe('plan converges (property)', () => {
  it('applying a plan leaves nothing to plan, and every user ends with the desired access', () => {
    fc.assert(
      fc.property(scenario, ({ profiles, live: liveSpec, want }) => {
        const live = liveOrg({ users: EMAILS.map((email, i) => ({ email, profile: profiles[i] })), integration: liveSpec });
        const d = desired({
          state: want.state,
          portal: { name: want.portal, zscKeyVar: 'K', zscEmail: 'x@acme.com' },
          profiles: want.profiles,
          users: want.users.map((email) => ({ email, ...(want.overrides[email] && { permissions: want.overrides[email] }) })),
        });
        const first = plan(d, live, planCtx({ maxRevokePct: 100 }));
        const after = applyInMemory(live, first.steps);
        expect(plan(d, after, planCtx()).steps).toEqual([]);

        // Unmanaged profiles keep their live permissions, unless a portal step cleared them all.
        const cleared = liveSpec === 'inactive' || first.steps.some((s) => s.kind === 'associate-portal');
        const profilePerms = (profile: string): Permission[] =>
          want.profiles[profile] ?? (cleared ? undefined : liveSpec.profilePermissions[profile]) ?? [];
        const state = liveState(after.integration);
        for (const u of after.users) {
          const listed = want.state === 'active' && want.users.includes(u.email);
          const wanted = listed ? (want.overrides[u.email] ?? profilePerms(u.profile.name)) : [];
          const got = effectiveAccess(state, subjectOf(u)).permissions;
          expect({ user: u.email, perms: got }).toEqual({ user: u.email, perms: PERMISSIONS.filter((p) => wanted.includes(p)) });
        }
        expect(state.users.size).toBe(want.state === 'active' ? want.users.length : 0);
      }),
      { numRuns: 300 },
    );
  });
});
