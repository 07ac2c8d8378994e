import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src/model/plan.js';
import { runbookBlocks, type RunbookBlock } from '../../../src/model/runbook.js';
import { blockInstructions, blockTitle, renderMarkdown, renderText, settingsChecklist, tickBoxes } from '../../../src/render/index.js';
import { deactivatePlan, manualPlan, swapPlan } from '../../helpers/plans.js';

/** The runbook of these steps in a manual plan (real Zoho), or in one an API carries out. */
const blocksOf = (steps: Step[], manual = true): RunbookBlock[] => runbookBlocks({ steps, manual });
const user = (kind: 'grant-user' | 'revoke-user', email: string, override: Step['before'] = null): Step =>
  kind === 'grant-user'
    ? { id: `${kind}:${email}`, kind, action: 'create', target: email, destructive: false, user: { id: email, email }, override: override as never, before: null, after: ['view'] }
    : { id: `${kind}:${email}`, kind, action: 'delete', target: email, destructive: false, user: { id: email, email }, before: ['view'], after: null };

describe('runbook blocks: one per Setup screen visit', () => {
  it('groups a first setup into portal form, profiles and users', () => {
    const blocks = blocksOf(manualPlan().steps);
    expect(blocks.map((b) => [b.screen, b.steps.length, b.first])).toEqual([
      ['portal', 1, 1],
      ['profiles', 1, 2],
      ['users', 2, 3],
    ]);
  });

  it('keeps plan order: users who lose access and users who gain it are two visits around a profile change', () => {
    const profile = manualPlan().steps.find((s) => s.kind === 'set-profile-permissions') as Step;
    const steps = [user('revoke-user', 'x@acme.com'), profile, user('grant-user', 'y@acme.com')];
    expect(blocksOf(steps).map((b) => b.screen)).toEqual(['users', 'profiles', 'users']);
    // Without the profile change in between, one visit.
    expect(blocksOf([steps[0] as Step, steps[2] as Step]).map((b) => b.steps.length)).toEqual([2]);
  });

  it('never merges steps an API carries out, nor two portal forms', () => {
    expect(blocksOf(manualPlan().steps, false)).toEqual([]);
    expect(runbookBlocks(swapPlan())).toEqual([]);
    const swap = swapPlan().steps;
    expect(blocksOf(swap)[0]?.steps).toHaveLength(1);
  });
});

describe('block instructions', () => {
  it('associates with the ZSC key from its variable, never a value', () => {
    const [portal] = blocksOf(manualPlan().steps);
    const text = blockInstructions(portal as RunbookBlock).join('\n');
    expect(text).toContain('Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.');
    expect(text).toContain('Click Activate Now.');
    expect(text).toContain('enter the ZSC key (its value is in $ZPI_ZSC_KEY) and the email address it belongs to, owner@acme.com.');
    expect(text).toContain('Choose the portal acme-projects.');
    expect(text).toContain('Settings > Company Settings > Zoho Service Communication (ZSC) Key');
    expect(blockTitle(portal as RunbookBlock)).toBe('Portal: activate with acme-projects');
  });

  it('says what a portal change and a deactivation drop', () => {
    const [swap] = blocksOf(swapPlan().steps);
    expect(blockInstructions(swap as RunbookBlock).join('\n')).toContain('Click Change to replace portal acme-projects.');
    expect(blockTitle(swap as RunbookBlock)).toBe('Portal: change acme-projects → acme-newco');
    const [off] = blocksOf(deactivatePlan().steps);
    expect(blockInstructions(off as RunbookBlock)).toContain('Click Deactivate Zoho Projects and confirm.');
  });

  it('lists users to tick and clear on Manage Users and Permissions, with the boxes of an override', () => {
    const steps: Step[] = [
      user('grant-user', 'alice@acme.com'),
      user('grant-user', 'bob@acme.com', ['view', 'edit']),
      user('revoke-user', 'x@acme.com'),
      { id: 'set-user-permissions:y@acme.com', kind: 'set-user-permissions', action: 'update', target: 'y@acme.com', destructive: false, user: { id: '2', email: 'y@acme.com' }, before: null, after: ['view', 'edit'] },
    ];
    const [block] = blocksOf(steps);
    expect(blockTitle(block as RunbookBlock)).toBe('Manage Users and Permissions: tick 2 users, clear 1 user, set permissions of 1 user');
    expect(blockInstructions(block as RunbookBlock)).toEqual([
      'In Zoho CRM, as an administrator: Setup > Apps & Add-ons > Zoho Apps > Zoho Projects > Portal Settings > Manage Users and Permissions.',
      'Tick the checkbox of (2):',
      '  alice@acme.com',
      '  bob@acme.com  in the row, tick View and Edit; clear Create and Delete',
      'Clear the checkbox of (1):',
      '  x@acme.com',
      'Set the permission boxes of (1):',
      '  y@acme.com  tick View and Edit; clear Create and Delete',
      'Leave every other user as it is. Click Save.',
    ]);
  });

  it('sets every changed profile on one visit', () => {
    const [, profiles] = blocksOf(manualPlan().steps);
    expect(blockInstructions(profiles as RunbookBlock)).toContain('  Standard:  tick View; clear Create, Edit and Delete');
  });

  it('words checkbox lists', () => {
    expect(tickBoxes([])).toBe('clear View, Create, Edit and Delete');
    expect(tickBoxes(['delete', 'view', 'edit', 'create'])).toBe('tick View, Create, Edit and Delete');
    expect(tickBoxes(['view', 'edit'])).toBe('tick View and Edit; clear Create and Delete');
  });
});

describe('the runbook in plans', () => {
  it('text: one numbered block per screen, after the steps', () => {
    const out = renderText(manualPlan(), { color: false });
    expect(out).toContain('Runbook: 3 Setup screens to visit in Zoho CRM, in this order');
    expect(out).toMatch(/^ {2}\[1\/3\] Portal: activate with acme-projects$/m);
    expect(out).toMatch(/^ {2}\[3\/3\] Manage Users and Permissions: tick 2 users$/m);
    expect(out).toContain('Apply will walk you through 3 Setup screens in Zoho CRM (4 manual steps).');
  });

  it('Markdown: the blocks folded in the comment', () => {
    const md = renderMarkdown(manualPlan());
    expect(md).toContain('<details><summary>Runbook: 3 Setup screens to visit in Zoho CRM</summary>');
    expect(md).toContain('**3/3 · Manage Users and Permissions: tick 2 users**');
  });
});

describe('settingsChecklist (zpi import on real Zoho)', () => {
  it('names the portal, the managed profiles and exactly the users ticked', () => {
    const lines = settingsChecklist({
      status: 'active',
      portal: { id: '7001', name: 'acme-projects' },
      users: [{ id: '1', email: 'alice@acme.com' }, { id: '2', email: 'bob@acme.com', permissions: ['view'] }],
      profiles: { Standard: ['view', 'create'] },
    });
    expect(lines).toEqual([
      'In Zoho CRM, Setup > Apps & Add-ons > Zoho Apps > Zoho Projects:',
      '  Portal: acme-projects, activated.',
      '  Profile permissions (1 profile the manifest manages):',
      '    Standard:  tick View and Create; clear Edit and Delete',
      '  Portal Settings > Manage Users and Permissions: exactly these 2 users ticked, nobody else:',
      '    alice@acme.com',
      '    bob@acme.com  per-user: tick View; clear Create, Edit and Delete',
    ]);
    expect(settingsChecklist({ status: 'inactive', portal: null, users: [], profiles: {} })[0]).toContain('not activated');
  });
});
