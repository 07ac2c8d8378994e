import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/index.js';
import { MARKDOWN_MARKER, renderMarkdown, renderText } from '../../../src/render/index.js';
import { ALL, desired, liveOrg, planCtx } from '../../helpers/builders.js';
import { changePlan, deactivatePlan, manualPlan, noChangePlan, swapPlan } from '../../helpers/plans.js';

describe('renderMarkdown', () => {
  it('renders a pull-request comment', () => {
    expect(renderMarkdown(swapPlan())).toMatchSnapshot();
    expect(renderMarkdown(changePlan())).toMatchSnapshot();
  });

  it('opens with the same summary as the text form and carries the marker', () => {
    for (const p of [swapPlan(), changePlan(), manualPlan(), deactivatePlan()]) {
      const md = renderMarkdown(p);
      const summary = renderText(p, { color: false }).split('\n').find((l) => l.startsWith('Plan: '));
      expect(md.split('\n')[0]).toBe(`**${summary}**`);
      expect(md).toContain(MARKDOWN_MARKER);
      expect(md).toMatch(/<details><summary>\d+ steps? · .*<\/summary>\n\n```diff\n[\s\S]*\n```\n\n<\/details>/);
      expect(md).not.toContain('\x1b');
    }
  });

  it('has a table of effective-access changes', () => {
    const md = renderMarkdown(swapPlan());
    // Losses first; emails and profile names in code spans.
    expect(md).toContain('| User | Before | After | Why |\n|---|---|---|---|\n| `erin@acme.com` | view,create,edit,delete | none | revoked, had it via profile `Manager` |');
    expect(md).toContain('| `frank@acme.com` | none | view | granted via profile `Standard` |');
    expect(md).toContain('> **Destructive:** changing portal acme-projects → acme-newco drops every project link: 30 Accounts');
  });

  it('says when there is nothing to change', () => {
    expect(renderMarkdown(noChangePlan())).toBe(
      `**No changes. Live state matches integration.yaml.**\n\n\`integration.yaml\` → Acme Corp (org 60012345678) via sandbox http://127.0.0.1:41377\n\n**Warnings**\n- integration.yaml:2:1: a warning\n\n${MARKDOWN_MARKER}\n`,
    );
  });

  it('folds a 5,000-user change under 65,000 characters', () => {
    const emails = Array.from({ length: 5000 }, (_, i) => `someone.with.a.long.name.${String(i).padStart(4, '0')}@acme-corporation.com`);
    const live = liveOrg({
      users: emails,
      integration: { users: emails.slice(0, 2500), profilePermissions: { Standard: ALL } },
    });
    const d = desired({ profiles: { Standard: ['view'] }, users: emails.slice(1000) });
    const p = plan(d, live, planCtx({ maxRevokePct: 50 }));
    expect(p.steps.length).toBe(1 + 2500 + 1000);
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThan(65_000);
    expect(md.length).toBeGreaterThan(55_000); // folding keeps as much as fits
    expect(md.split('\n')[0]).toBe('**Plan: 2,500 to add, 1 to change, 1,000 to remove. 0 destructive.**');
    expect(md).toMatch(/^\| … [\d,]+ more: .+ \| \| \| \|$/m);
    expect(md).toMatch(/^… [\d,]+ more steps: .+ \(zpi show PLANFILE --full lists them all\)$/m);
    expect(md).toContain(MARKDOWN_MARKER);
    // Both long sections keep a fair share; neither vanishes.
    const tableRows = md.split('\n').filter((l) => l.startsWith('| `someone')).length;
    const stepRows = md.split('\n').filter((l) => /^[+~-] /.test(l)).length;
    expect(tableRows).toBeGreaterThan(200);
    expect(stepRows).toBeGreaterThan(200);
  });
});

describe('renderMarkdown: manual steps (real Zoho)', () => {
  it('carries the Setup instructions of every manual step, folded', () => {
    const p = manualPlan();
    const md = renderMarkdown(p);
    expect(md).toContain('<details><summary>Runbook: 3 Setup screens to visit in Zoho CRM</summary>');
    expect(md).toContain('**1/3 · Portal: activate with acme-projects**');
    expect(md).toContain('**3/3 · Manage Users and Permissions: tick 2 users**');
    for (const s of p.steps) expect(md).toContain(s.kind === 'set-profile-permissions' ? `  - ${s.target}:` : s.target);
    expect(md).toContain('Setup > Apps & Add-ons > Zoho Apps > Zoho Projects');
    expect(md.indexOf('Runbook:')).toBeLessThan(md.indexOf(MARKDOWN_MARKER));
  });

  it('has no runbook when every step has an API', () => {
    expect(renderMarkdown(changePlan())).not.toContain('Runbook:');
  });
});

describe('renderMarkdown: a large manual plan', () => {
  it('folds 5,000 manual user steps and their Setup instructions under 65,000 characters', () => {
    const emails = Array.from({ length: 5000 }, (_, i) => `someone.with.a.long.name.${String(i).padStart(4, '0')}@acme-corporation.com`);
    const live = { ...liveOrg({ users: emails }), integration: null };
    const p = plan(desired({ profiles: { Standard: ['view'] }, users: emails }), live, planCtx({ endpointKind: 'zoho' }));
    expect(p.manual).toBe(true);
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThan(65_000);
    // One Setup screen for all 5,000 users, its list cut to fit.
    expect(md).toContain('Manage Users and Permissions: tick 5,000 users**');
    expect(md).toMatch(/^- … [\d,]+ more lines of the runbook \(zpi show PLANFILE lists them all\)$/m);
    expect(md.endsWith(`${MARKDOWN_MARKER}\n`)).toBe(true);
  });
});
