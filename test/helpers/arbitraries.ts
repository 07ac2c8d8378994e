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
