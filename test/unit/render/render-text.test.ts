import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/index.js';
import { renderText } from '../../../src/render/index.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';
import { changePlan, deactivatePlan, manualPlan, noChangePlan, swapPlan } from '../../helpers/plans.js';

const HEADER = 'zpi plan · integration.yaml → Acme Corp (org 60012345678) via sandbox http://127.0.0.1:41377';
const READ = 'Read 7 users, 4 profiles, 2 portals in 5 calls (0.01 s).';
const plain = { color: false };

describe('renderText', () => {
  it('renders a portal swap with grants, an override and a profile change', () => {
    expect(renderText(swapPlan(), { color: false, header: HEADER, readSummary: READ })).toMatchSnapshot();
  });

  it('renders revokes, the brake and warnings', () => {
    expect(renderText(changePlan(), plain)).toMatchSnapshot();
  });

  it('renders manual steps as a runbook, one block per Setup screen', () => {
    expect(renderText(manualPlan(), plain)).toMatchSnapshot();
  });

  it('gives a manual portal change one set of instructions, starting at Change', () => {
    const p = swapPlan();
    const manual = { ...p, manual: true };
    const text = renderText(manual, plain);
    expect(text).toMatch(/^-\/\+ portal {2}acme-projects → acme-newco \(manual\) +DESTRUCTIVE$/m);
    expect(text).toContain(
      '  [1/3] Portal: change acme-projects → acme-newco\n    In Zoho CRM, as an administrator: Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.\n    Click Change to replace portal acme-projects.',
    );
    // In Setup it is the admin's form, not zpi's call.
    expect(text).not.toContain('one call');
    expect(text).toContain('Apply will walk you through 3 Setup screens in Zoho CRM (7 manual steps).\n');
  });

  it('renders a deactivation', () => {
    expect(renderText(deactivatePlan(), plain)).toMatchSnapshot();
  });

  it('says there are no changes, in exactly one line', () => {
    const p = plan(desired({ portal: { name: 'acme-projects' } }), liveOrg(), planCtx());
    expect(renderText(p, plain)).toBe('No changes. Live state matches integration.yaml.\n');
    expect(renderText(noChangePlan(), { color: false, header: HEADER })).toBe(
      `${HEADER}\n\nWarning: integration.yaml:2:1: a warning\n\nNo changes. Live state matches integration.yaml.\n`,
    );
  });

  it('shows the blast radius and the ZSC key only as a variable name', () => {
    const text = renderText(swapPlan(), plain);
    expect(text).toMatch(/^-\/\+ portal {2}acme-projects → acme-newco +DESTRUCTIVE$/m);
    expect(text).toContain('      drops every project link: 30 Accounts, 12 Contacts, 4 Deals (Potentials)\n');
    expect(text).toContain('from $ZPI_ZSC_KEY (sensitive)');
  });

  it('ends with the summary and the API call estimate', () => {
    const lines = renderText(swapPlan(), plain).trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([
      'Plan: 4 to add, 3 to change, 0 to remove. 1 destructive — apply needs --allow-destructive.',
      'Apply will make about 3 write calls.',
    ]);
    expect(renderText(swapPlan({ allowDestructive: true }), plain)).toContain(
      'Plan: 4 to add, 3 to change, 0 to remove. 1 destructive.\n',
    );
  });

  it('aligns targets in one column', () => {
    const lines = renderText(changePlan(), plain).split('\n').filter((l) => /^ {2}[+~-] /.test(l));
    const cols = new Set(lines.map((l) => l.indexOf('@acme.com') >= 0 ? l.search(/ {2}(view|had|none)/) : -1).filter((c) => c > 0));
    expect(cols.size).toBe(1);
  });

  it('colours only when asked', () => {
    for (const p of [swapPlan(), changePlan(), manualPlan(), deactivatePlan(), noChangePlan()]) {
      expect(renderText(p, { color: false, header: HEADER, readSummary: READ })).not.toContain('\x1b');
    }
    const colored = renderText(swapPlan(), { color: true, header: HEADER });
    expect(colored).toContain('\x1b[32m'); // green +
    expect(colored).toContain('\x1b[31m'); // red -, DESTRUCTIVE
    expect(colored).toContain('\x1b[33m'); // yellow ~
    expect(colored).toContain('\x1b[1m'); // bold summary
    // Stripped of colour it reads the same as the plain form.
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(renderText(swapPlan(), { color: false, header: HEADER }));
  });

  it('summarises effective access for a large change', () => {
    const emails = Array.from({ length: 30 }, (_, i) => `user${String(i).padStart(2, '0')}@acme.com`);
    const p = plan(desired({ users: emails }), liveOrg({ users: emails, integration: { profilePermissions: { Standard: ['view'] } } }), planCtx());
    const text = renderText(p, plain);
    expect(text).toContain('Effective access: 30 gain.\n');
    expect(text).toContain('  … and 10 more: 10 gain (zpi plan --full lists every user)\n');
    expect(text).toContain('Apply will make about 1 write call.\n');
  });
});
