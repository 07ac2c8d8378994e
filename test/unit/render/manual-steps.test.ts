import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src/model/plan.js';
import { manualInstructions, tickBoxes } from '../../../src/render/index.js';
import { deactivatePlan, manualPlan, swapPlan } from '../../helpers/plans.js';

const stepOf = (steps: Step[], kind: Step['kind']): Step => {
  const s = steps.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} step`);
  return s;
};

describe('manualInstructions', () => {
  const all = [...swapPlan().steps, ...manualPlan().steps, ...deactivatePlan().steps];

  it('numbers every instruction and starts in CRM Setup', () => {
    for (const s of all) {
      const lines = manualInstructions(s);
      expect(lines.map((l) => Number(l.split('.')[0]))).toEqual(lines.map((_, i) => i + 1));
      expect(lines[1]).toBe('2. Open Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.');
    }
  });

  it('associates with the ZSC key from its variable, never a value', () => {
    const first = manualInstructions(stepOf(manualPlan().steps, 'associate-portal')).join('\n');
    expect(first).toContain('3. Click Activate Now.');
    expect(first).toContain('enter the ZSC key (its value is in $ZPI_ZSC_KEY) and the email address it belongs to, owner@acme.com.');
    expect(first).toContain('Choose the portal acme-projects.');
    expect(first).toContain('Settings > Company Settings > Zoho Service Communication (ZSC) Key');
    const swap = manualInstructions(stepOf(swapPlan().steps, 'change-portal')).join('\n');
    expect(swap).toContain('Click Change');
    expect(swap).toContain('Choose the portal acme-newco.');
  });

  it('says what a portal change and a deactivation drop', () => {
    expect(manualInstructions(stepOf(swapPlan().steps, 'change-portal')).join('\n')).toContain('3. Click Change to replace portal acme-projects.');
    const off = manualInstructions(stepOf(deactivatePlan().steps, 'deactivate'));
    expect(off[2]).toBe('3. Click Deactivate Zoho Projects and confirm.');
  });

  it('ticks users and permission boxes on Manage Users and Permissions', () => {
    const steps = manualPlan().steps;
    expect(manualInstructions(stepOf(steps, 'grant-user')).slice(2)).toEqual([
      '3. Under Portal Settings, click Manage Users and Permissions.',
      '4. Select the checkbox of alice@acme.com.',
      '5. Click Save.',
    ]);
    // A new user's override is set in the same row, with the tick.
    const bob = steps.find((s) => s.id === 'grant-user:bob@acme.com') as Step;
    expect(manualInstructions(bob)[3]).toBe('4. Select the checkbox of bob@acme.com. In the same row, tick View and Edit; clear Create and Delete.');
    const pin: Step = { id: 'set-user-permissions:y@acme.com', kind: 'set-user-permissions', action: 'update', target: 'y@acme.com', destructive: false, manual: true, user: { id: '2', email: 'y@acme.com' }, before: null, after: ['view', 'edit'] };
    expect(manualInstructions(pin)[3]).toBe('4. In the row of y@acme.com, tick View and Edit; clear Create and Delete.');
    expect(manualInstructions(stepOf(steps, 'set-profile-permissions'))[3]).toBe(
      '4. For profile Standard, tick View; clear Create, Edit and Delete.',
    );
    const revoke: Step = { id: 'revoke-user:x@acme.com', kind: 'revoke-user', action: 'delete', target: 'x@acme.com', destructive: false, manual: true, user: { id: '1', email: 'x@acme.com' }, before: ['view'], after: null };
    expect(manualInstructions(revoke)[3]).toBe('4. Clear the checkbox of x@acme.com.');
  });

  it('words checkbox lists', () => {
    expect(tickBoxes([])).toBe('clear View, Create, Edit and Delete');
    expect(tickBoxes(['delete', 'view', 'edit', 'create'])).toBe('tick View, Create, Edit and Delete');
    expect(tickBoxes(['view', 'edit'])).toBe('tick View and Edit; clear Create and Delete');
  });
});
