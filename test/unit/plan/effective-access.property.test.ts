/**
 * AccessIndex (masks) is zpi's one engine of effective access; test/helpers/access-oracle.ts restates the
 * rule on lists. For random states (overrides of users without access, profiles without permissions,
 * users CRM does not know, a profile named like an Object.prototype key) the two agree exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permissionMask, samePermissions, type Permission } from '../../../src/model/permissions.js';
import { AccessIndex, classifyChange, mask, reasonOf } from '../../../src/plan/effective-access.js';
import type { IntegrationState } from '../../../src/plan/integration-state.js';
import { effectiveAccess } from '../../helpers/access-oracle.js';
import { perms } from '../../helpers/arbitraries.js';

const IDS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const PROFILES = ['Standard', 'Manager', 'constructor', '__proto__'];

/** Own data properties, as the loader and the client build them (a key "__proto__" included). */
const record = (entries: [string, Permission[]][]): Record<string, Permission[]> => Object.fromEntries(entries);

const state: fc.Arbitrary<IntegrationState> = fc.record({
  users: fc.subarray(IDS).map((ids) => new Set(ids)),
  profilePermissions: fc.array(fc.tuple(fc.constantFrom(...PROFILES), perms), { maxLength: 4 }).map(record),
  userPermissions: fc.array(fc.tuple(fc.constantFrom(...IDS), perms), { maxLength: 5 }).map(record),
});
const profile = fc.option(fc.constantFrom(...PROFILES, 'Unlisted'), { nil: undefined });

describe('AccessIndex (property): the same answers as the list-based rule', () => {
  it('permissions and reason, for every user and profile', () => {
    fc.assert(
      fc.property(state, fc.constantFrom(...IDS, 'unknown'), profile, (s, id, p) => {
        const index = AccessIndex.of(s);
        const want = effectiveAccess(s, { id, ...(p !== undefined && { profile: p }) });
        expect(index.access(id, p)).toEqual(want);
        const a = index.of(id, p);
        expect(mask(a)).toBe(permissionMask(want.permissions));
        expect(reasonOf(a, p)).toEqual(want.reason);
      }),
      { numRuns: 1000 },
    );
  });

  it('classifyChange on masks classifies as the list-based rule does', () => {
    const onLists = (before: Permission[], after: Permission[]) => {
      if (samePermissions(before, after)) return null;
      if (before.length === 0) return 'gains';
      if (after.length === 0) return 'loses';
      const gained = after.some((x) => !before.includes(x));
      const lost = before.some((x) => !after.includes(x));
      return gained && lost ? 'changed' : gained ? 'escalated' : 'reduced';
    };
    fc.assert(
      fc.property(perms, perms, (b, a) => {
        expect(classifyChange(permissionMask(b), permissionMask(a))).toBe(onLists(b, a));
      }),
    );
  });
});
