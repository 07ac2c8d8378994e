import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMAILS, permsBy, planScenario } from '../../helpers/arbitraries.js';
import { PERMISSIONS, type Permission } from '../../../src/model/permissions.js';
import { plan } from '../../../src/plan/index.js';
import { effectiveAccess, subjectOf } from '../../helpers/access-oracle.js';
import { liveState } from '../../../src/plan/integration-state.js';
import { applyInMemory } from '../../helpers/apply-in-memory.js';
import { desired, liveOrg, planCtx, PORTALS, PROFILES, userId } from '../../helpers/builders.js';



const scenario = planScenario(PROFILES);

describe('plan converges (property)', () => {
  it('applying a plan leaves nothing to plan, and every user ends with the desired access', () => {
    fc.assert(
      fc.property(scenario, ({ profiles, live: liveSpec, want }) => {
        const live = liveOrg({ users: EMAILS.map((email, i) => ({ email, profile: profiles[i] })), integration: liveSpec });
        const d = desired({
          state: want.state,
          portal: { name: want.portal, zscKeyVar: 'K', zscEmail: PORTALS.find((p) => p.name === want.portal)!.ownerEmail! },
          profiles: want.profiles,
          users: want.users.map((email) => ({ email, ...(want.overrides[email] && { permissions: want.overrides[email] }) })),
        });
        const first = plan(d, live, planCtx({ maxRevokePct: 100 }));
        const after = applyInMemory(live, first.steps);
        expect(plan(d, after, planCtx()).steps).toEqual([]);

        // Unmanaged profiles keep their live permissions, unless a portal step cleared them all.
        const cleared = liveSpec === 'inactive' || first.steps.some((s) => s.kind === 'associate-portal' || s.kind === 'change-portal');
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

/**
 * Live states the happy path never produces, and applies that stop part-way (issue 7): grants left
 * for users since disabled or deleted from CRM, overrides of users without access, an integration
 * left active with no portal (a crash between disassociate and associate), the portal named by id,
 * emails in any case. Whatever prefix of a plan ran — and for a batched call, whichever of its items
 * landed — planning again and applying that converges.
 */
const GHOSTS = ['zed@acme.com', 'yan@acme.com']; // CRM users who are disabled / deleted
const ORPHAN = 'u-orphan'; // an id with access that CRM no longer knows at all
const withCase = (email: string, mask: number): string =>
  [...email].map((c, i) => ((mask >> i % 16) & 1 ? c.toUpperCase() : c)).join('');

const messy = fc.record({
  profiles: fc.array(fc.constantFrom(...PROFILES), { minLength: EMAILS.length, maxLength: EMAILS.length }),
  live: fc.oneof(
    fc.constant('inactive' as const),
    fc.record({
      portal: fc.constantFrom<(string | null)[]>('acme-projects', 'acme-newco', null),
      users: fc.subarray([...EMAILS, ...GHOSTS]),
      orphan: fc.boolean(),
      profilePermissions: permsBy(PROFILES),
      userPermissions: permsBy([...EMAILS, ...GHOSTS]),
    }),
  ),
  want: fc.record({
    state: fc.constantFrom<('active' | 'deactivated')[]>('active', 'active', 'active', 'deactivated'),
    portal: fc.constantFrom('acme-projects', 'acme-newco'),
    byId: fc.boolean(),
    profiles: permsBy(PROFILES),
    users: fc.subarray(EMAILS),
    overrides: permsBy(EMAILS),
    caseMask: fc.nat(0xffff),
  }),
  // Where the first apply stops, and which items of the call it stopped in landed anyway.
  stopAt: fc.nat(),
  landed: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
});

describe('plan converges from messy live states and interrupted applies (property)', () => {
  it('a re-plan after any partial apply finishes the job; a third plan is empty', () => {
    fc.assert(
      fc.property(messy, ({ profiles, live: liveSpec, want, stopAt, landed }) => {
        const live = liveOrg({
          users: [
            ...EMAILS.map((email, i) => ({ email, profile: profiles[i] })),
            { email: GHOSTS[0]!, status: 'disabled' },
            { email: GHOSTS[1]!, status: 'deleted' },
          ],
          integration: liveSpec === 'inactive' ? 'inactive' : { portal: liveSpec.portal, users: liveSpec.users, profilePermissions: liveSpec.profilePermissions, userPermissions: liveSpec.userPermissions },
        });
        if (liveSpec !== 'inactive' && liveSpec.orphan && live.integration) live.integration.users.push(ORPHAN);
        const portal = PORTALS.find((p) => p.name === want.portal)!;
        const d = desired({
          state: want.state,
          portal: want.byId ? { id: portal.id, zscKeyVar: 'K', zscEmail: portal.ownerEmail! } : { name: portal.name, zscKeyVar: 'K', zscEmail: portal.ownerEmail! },
          profiles: want.profiles,
          users: want.users.map((email) => ({
            email: withCase(email, want.caseMask),
            ...(want.overrides[email] && { permissions: want.overrides[email] }),
          })),
        });
        const ctx = planCtx({ maxRevokePct: 100, allowDestructive: true });
        const first = plan(d, live, ctx);

        // Stop after a prefix; of the unit (same-kind run) the stop falls in, only some items landed.
        const k = first.steps.length === 0 ? 0 : stopAt % (first.steps.length + 1);
        const partial = first.steps.slice(0, k);
        for (let i = k, n = 0; i < first.steps.length && first.steps[i]!.kind === first.steps[k]!.kind; i++, n++) {
          if (landed[n % landed.length]) partial.push(first.steps[i]!);
        }
        const interrupted = applyInMemory(live, partial);
        const resumed = plan(d, interrupted, ctx);
        const done = applyInMemory(interrupted, resumed.steps);
        expect(plan(d, done, ctx).steps).toEqual([]);
        // Finishing the job never takes more steps than doing it at once, plus redoing a portal swap.
        expect(resumed.steps.filter((s) => s.kind !== 'associate-portal' && s.kind !== 'change-portal').length).toBeLessThanOrEqual(
          first.steps.length + EMAILS.length + PROFILES.length,
        );

        // The end state is the same whether the apply was interrupted or not.
        const straight = applyInMemory(live, first.steps);
        const view = (l: typeof done) => {
          const s = liveState(l.integration);
          return l.users.map((u) => ({ u: u.email, p: effectiveAccess(s, subjectOf(u)).permissions, has: s.users.has(u.id) }));
        };
        expect(view(done)).toEqual(view(straight));
        // Nobody disabled, deleted or unknown keeps access once the manifest is applied.
        const s = liveState(done.integration);
        expect(s.users.has(ORPHAN)).toBe(false);
        for (const g of GHOSTS) expect(s.users.has(userId(g))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
