import fc from 'fast-check';
import { PERMISSIONS, type Permission } from '../../src/model/permissions.js';

/** Valid permission sets only: create/edit/delete need view (the loader refuses the rest). */
export const perms: fc.Arbitrary<Permission[]> = fc.oneof(
  fc.constant([] as Permission[]),
  fc.subarray(['create', 'edit', 'delete'] as Permission[]).map((rest) => PERMISSIONS.filter((p) => p === 'view' || rest.includes(p))),
);

/** Permission sets for some of `keys` (profile names, emails). */
export const permsBy = <K extends string>(keys: K[]) => fc.dictionary(fc.constantFrom(...keys), perms, { maxKeys: keys.length });

/** The CRM users the in-memory property tests plan for (see builders.ts: ids derive from the email). */
export const EMAILS = ['amy', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus'].map((n) => `${n}@acme.com`);

/**
 * A random org and manifest for the in-memory plan properties: each user's CRM profile, the live
 * integration (inactive, or a portal with users, profile permissions and overrides) and what the
 * manifest wants (mostly active: that is where the interesting steps are). `profiles` are the
 * profile names to draw from.
 */
export function planScenario(profiles: string[]) {
  return fc.record({
    profiles: fc.array(fc.constantFrom(...profiles), { minLength: EMAILS.length, maxLength: EMAILS.length }),
    live: fc.oneof(
      fc.constant('inactive' as const),
      fc.record({
        portal: fc.constantFrom('acme-projects', 'acme-newco'),
        users: fc.subarray(EMAILS),
        profilePermissions: permsBy(profiles),
        userPermissions: permsBy(EMAILS),
      }),
    ),
    want: fc.record({
      state: fc.constantFrom<('active' | 'deactivated')[]>('active', 'active', 'deactivated'),
      portal: fc.constantFrom('acme-projects', 'acme-newco'),
      profiles: permsBy(profiles),
      users: fc.subarray(EMAILS),
      overrides: permsBy(EMAILS),
    }),
  });
}
