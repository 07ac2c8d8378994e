import { describe, expect, it } from 'vitest';
import { compareSteps } from '../../../src/apply/compare-steps.js';
import { swapPlan } from '../../helpers/plans.js';

/** What `zpi apply PLANFILE` says when the file's steps are not a fresh plan's: the step, by name. */
describe('compareSteps', () => {
  const fresh = swapPlan({ allowDestructive: true }).steps;
  const copy = (): Record<string, unknown>[] => JSON.parse(JSON.stringify(fresh)) as Record<string, unknown>[];

  it('finds nothing for the very same steps, blast radius aside (link counts move as people work)', () => {
    const saved = copy();
    saved[0]!.blastRadius = { Accounts: 1, Contacts: 0, Deals: 0 };
    expect(compareSteps(saved, fresh)).toBeNull();
  });

  it('names a dropped, an added and a moved step by its own id', () => {
    const dropped = copy().filter((s) => s.id !== 'grant-user:bob@acme.com');
    expect(compareSteps(dropped, fresh)).toBe(
      'step 5 (grant-user:bob@acme.com) is planned now but missing from the file (the file has 6 steps, a fresh plan 7)',
    );
    const added = [...copy(), { ...copy()[4], id: 'grant-user:ivan@acme.com', target: 'ivan@acme.com' }];
    expect(compareSteps(added, fresh)).toBe('step 8 (grant-user:ivan@acme.com) is in the file but not planned now (the file has 8 steps, a fresh plan 7)');
    const moved = copy();
    [moved[1], moved[2]] = [moved[2]!, moved[1]!];
    expect(compareSteps(moved, fresh)).toMatch(/^the steps are in another order: a fresh plan has set-profile-permissions:Manager as step 2, the file set-profile-permissions:Standard$/);
  });

  it('names the field of a step that was edited, and never prints raw control characters from the file', () => {
    const edited = copy();
    (edited[4]!.user as Record<string, unknown>).id = 'u-mallory';
    expect(compareSteps(edited, fresh)).toBe('step 5 (grant-user:bob@acme.com) differs from a fresh plan in user.id');
    const hostile = copy();
    hostile[0]!.id = 'x\u001b[2J\u0007';
    expect(compareSteps(hostile, fresh)).toBe('step 1 (x\\u001b[2J\\u0007) is in the file but not planned now');
  });
});
