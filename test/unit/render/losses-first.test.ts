/**
 * Reviewers see losses first (DESIGN §4): every renderer lists destructive steps, then users who lose
 * access or are reduced, then escalations, then gains; when output is shortened, gains are folded
 * first and losses last, and the output says what it left out and how to see everything. Display
 * only: plan.steps stays in apply (least-privilege) order.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/plan.js';
import { plan } from '../../../src/plan/index.js';
import { MARKDOWN_LIMIT, renderMarkdown, renderText } from '../../../src/render/index.js';
import { accessCountsLine, lossesFirst } from '../../../src/render/describe-access.js';
import { describeSteps, displayOrder } from '../../../src/render/describe-steps.js';
import { effortLine, plural, summaryLine } from '../../../src/render/summary-line.js';
import { ALL, desired, liveOrg, planCtx, PROFILES } from '../../helpers/builders.js';
import { changePlan, swapPlan } from '../../helpers/plans.js';

const plain = { color: false };

/**
 * A 10,000-user org: 5,000 with access (profile Standard, every permission). The manifest keeps
 * users 2,500–7,499 and narrows Standard to view: 2,500 revokes, 2,500 reduced, 2,500 grants.
 */
function largeOrgPlan(maxRevokePct = 60): Plan {
  const emails = Array.from({ length: 10_000 }, (_, i) => `person.with.a.longer.name.${String(i).padStart(5, '0')}@acme-corporation.com`);
  const live = liveOrg({ users: emails, integration: { users: emails.slice(0, 5_000), profilePermissions: { Standard: ALL } } });
  return plan(desired({ profiles: { Standard: ['view'] }, users: emails.slice(2_500, 7_500) }), live, planCtx({ maxRevokePct }));
}
const LARGE = largeOrgPlan();
const FIRST_LOSER = 'person.with.a.longer.name.00000@acme-corporation.com';
const FIRST_GAINER = 'person.with.a.longer.name.05000@acme-corporation.com';

describe('display order', () => {
  it('lists access changes losses first, then reduced, escalated, gains; plan order within each', () => {
    const order = lossesFirst(changePlan().access).map((a) => `${a.change} ${a.email}`);
    expect(order).toEqual([
      'loses bob@acme.com',
      'loses erin@acme.com',
      'reduced alice@acme.com',
      'escalated grace@acme.com',
      'gains frank@acme.com',
      'gains henry@acme.com',
    ]);
  });

  it('lists steps destructive first, then losses and reductions, escalations, grants last', () => {
    const p = changePlan();
    expect(displayOrder(describeSteps(p)).map((l) => `${l.noun} ${l.target}`)).toEqual([
      'revoke bob@acme.com', // destructive (the brake)
      'revoke erin@acme.com',
      'profile Standard', // view,create,edit → view
      'user grace@acme.com', // view,create → view,create,edit
      'grant frank@acme.com',
      'grant henry@acme.com',
    ]);
  });

  it('is display only: the plan keeps its apply order and the renderers do not reorder it', () => {
    const p = changePlan();
    const ids = p.steps.map((s) => s.id);
    const access = p.access.map((a) => a.email);
    renderText(p, plain);
    renderMarkdown(p);
    expect(p.steps.map((s) => s.id)).toEqual(ids);
    expect(p.access.map((a) => a.email)).toEqual(access);
    // Apply order (DESIGN §4) pins grace's override before her profile changes; the display shows the
    // narrowing profile first.
    expect(ids.indexOf('set-user-permissions:grace@acme.com')).toBeLessThan(ids.indexOf('set-profile-permissions:Standard'));
  });

  it('non-destructive revokes still come before every grant; a narrowed profile leads the losses', () => {
    const p = largeOrgPlan();
    expect(p.brake).toBeNull();
    const lines = displayOrder(describeSteps(p));
    const firstGrant = lines.findIndex((l) => l.noun === 'grant');
    const lastRevoke = lines.map((l) => l.noun).lastIndexOf('revoke');
    expect(lines.slice(0, 2).map((l) => l.noun)).toEqual(['profile', 'revoke']);
    expect(lastRevoke).toBeLessThan(firstGrant);
    // In apply order the revokes come first (least privilege): the display is not the plan's order.
    expect(p.steps[0]?.kind).toBe('revoke-user');
  });

  it('counts losses first in the summary of effective access', () => {
    expect(accessCountsLine(changePlan().access)).toBe('Effective access: 2 lose access, 1 reduced, 1 escalated, 2 gain.');
    expect(accessCountsLine(LARGE.access)).toBe('Effective access: 2,500 lose access, 2,500 reduced, 2,500 gain.');
  });
});

describe('the PR comment of a 10,000-user plan', () => {
  const md = renderMarkdown(LARGE);

  it('fits GitHub’s 65,536 characters', () => {
    expect(LARGE.steps.length).toBe(2_500 + 1 + 2_500);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
  });

  it('names users who lose access, in the table and in the steps; gains are what is folded', () => {
    expect(md).toContain(`| \`${FIRST_LOSER}\` | view,create,edit,delete | none | revoked, had it via profile \`Standard\` |`);
    expect(md).toMatch(new RegExp(`^- +revoke +${FIRST_LOSER.replace(/\./g, '\\.')} +had view,create,edit,delete`, 'm'));
    expect(md).not.toContain(FIRST_GAINER);
    const rows = md.split('\n').filter((l) => l.startsWith('| `person'));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((r) => r.includes('| none |'))).toBe(true); // every row shown is a loss
  });

  it('says what it left out and how to see everything', () => {
    expect(md).toMatch(/^> \*\*Shortened to fit a pull-request comment:\*\* it shows [\d,]+ of 7,500 access changes and [\d,]+ of 5,001 steps, listed losses first, so gains are the first left out\. `zpi show PLANFILE --full` prints every one \(`zpi plan --full` too\)\.$/m);
    expect(md).toMatch(/^\| … [\d,]+ more: [\d,]+ lose access, 2,500 reduced, 2,500 gain \| \| \| \|$/m);
    expect(md).toMatch(/^… [\d,]+ more steps: [\d,]+ revokes, 2,500 grants \(zpi show PLANFILE --full lists them all\)$/m);
    // The counts add up: what is shown and what the fold lines name.
    const shownSteps = Number(/of 5,001 steps/.test(md) && /it shows [\d,]+ of 7,500 access changes and ([\d,]+) of/.exec(md)?.[1]?.replace(/,/g, ''));
    const hiddenSteps = Number(/^… ([\d,]+) more steps/m.exec(md)?.[1]?.replace(/,/g, ''));
    expect(shownSteps + hiddenSteps).toBe(5_001);
    expect(md.split('\n').filter((l) => /^(-|~|\+) /.test(l))).toHaveLength(shownSteps);
  });

  it('opens with the summary, counts thousands with separators', () => {
    expect(md.split('\n')[0]).toBe('**Plan: 2,500 to add, 1 to change, 2,500 to remove. 0 destructive.**');
    expect(md).toContain('#### Effective access: 2,500 lose access, 2,500 reduced, 2,500 gain.');
    expect(md).toContain('<details><summary>5,001 steps · Apply will make about 51 write calls.</summary>');
  });

  it('with the mass-revoke brake, the destructive revokes lead and the brake is named', () => {
    const braked = renderMarkdown(largeOrgPlan(25));
    expect(braked.length).toBeLessThanOrEqual(65_536);
    expect(braked).toContain('> **Mass-revoke brake: this plan revokes 2,500 of the 5,000 users with access (50%)');
    expect(braked).toMatch(new RegExp(`^- +revoke +${FIRST_LOSER.replace(/\./g, '\\.')} .*DESTRUCTIVE$`, 'm'));
    // Destructive revokes lead; the profile line is never folded away, though it comes after them.
    expect(braked).toMatch(/^~ +profile Standard +view,create,edit,delete → view$/m);
    expect(braked).toMatch(/^… [\d,]+ more steps: [\d,]+ revokes, 2,500 grants \(zpi show PLANFILE --full lists them all\)$/m);
  });

  it('a small plan is not shortened and carries no fold note', () => {
    expect(renderMarkdown(changePlan())).not.toContain('Shortened');
  });
});

describe('the text plan: shortened unless --full', () => {
  const text = renderText(LARGE, plain);
  const lines = text.split('\n');

  it('shows the first 200 steps, losses first, and says what the rest are', () => {
    const stepLines = lines.filter((l) => /^ {2}[+~-] /.test(l));
    expect(stepLines).toHaveLength(200);
    expect(stepLines[0]).toMatch(/^ {2}~ profile Standard +view,create,edit,delete → view$/);
    expect(stepLines.slice(1).every((l) => l.startsWith('  - revoke'))).toBe(true);
    expect(text).toContain('  … and 4,801 more steps: 2,301 revokes, 2,500 grants (zpi plan --full lists them all)\n');
  });

  it('never folds a profile line, even past the cut', () => {
    const braked = renderText(largeOrgPlan(25), plain).split('\n');
    const stepLines = braked.filter((l) => /^ {2}[+~-] /.test(l));
    expect(stepLines).toHaveLength(201);
    expect(stepLines.slice(0, 200).every((l) => / DESTRUCTIVE$/.test(l) && l.startsWith('  - revoke'))).toBe(true);
    expect(stepLines[200]).toMatch(/^ {2}~ profile Standard +view,create,edit,delete → view$/);
    expect(braked).toContain('  … and 4,800 more steps: 2,300 revokes, 2,500 grants (zpi plan --full lists them all)');
  });

  it('shows the first 20 users, losses first, and says what the rest are', () => {
    const rows = lines.filter((l) => /^ {2}person/.test(l));
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => / loses +view,create,edit,delete → none /.test(r))).toBe(true);
    expect(rows[0]).toContain(FIRST_LOSER);
    expect(text).toContain('  … and 7,480 more: 2,480 lose access, 2,500 reduced, 2,500 gain (zpi plan --full lists every user)\n');
  });

  it('--full folds nothing: every step and every access row', () => {
    const full = renderText(LARGE, { color: false, full: true });
    expect(full).not.toContain('… and');
    expect(full.split('\n').filter((l) => /^ {2}[+~-] /.test(l))).toHaveLength(LARGE.steps.length);
    expect(full.split('\n').filter((l) => /^ {2}person/.test(l))).toHaveLength(LARGE.access.length);
    expect(full).toContain(FIRST_GAINER);
  });

  it('names the command that shows everything (zpi show passes its own)', () => {
    const shown = renderText(LARGE, { color: false, fullCommand: 'zpi show plan.json --full' });
    expect(shown).toContain('(zpi show plan.json --full lists them all)');
    expect(shown).toContain('(zpi show plan.json --full lists every user)');
  });

  it('one more step or user is singular', () => {
    const emails = Array.from({ length: 201 }, (_, i) => `u${String(i).padStart(3, '0')}@acme.com`);
    const p = plan(desired({ users: emails }), liveOrg({ users: emails, integration: { profilePermissions: { Standard: ['view'] } } }), planCtx());
    const out = renderText(p, plain);
    expect(out).toContain('  … and 1 more step: 1 grant (zpi plan --full lists them all)\n');
    expect(out).toContain('  … and 181 more: 181 gain (zpi plan --full lists every user)\n');
  });
});

describe('colour in the access section', () => {
  it('colours losses and reductions red, escalations and gains yellow', () => {
    const out = renderText(changePlan(), { color: true });
    const row = (email: string): string => out.split('\n').find((l) => l.startsWith(`  ${email}`)) ?? '';
    expect(row('bob@acme.com')).toContain('\x1b[31mloses    \x1b[39m');
    expect(row('alice@acme.com')).toContain('\x1b[31mreduced  \x1b[39m');
    expect(row('grace@acme.com')).toContain('\x1b[33mescalated\x1b[39m');
    expect(row('frank@acme.com')).toContain('\x1b[33mgains    \x1b[39m');
  });
});

describe('names in Markdown table cells', () => {
  /** One user, of `profile` (whose permissions are view), granted access. */
  function withUser(email: string, profile = 'Standard'): Plan {
    const live = liveOrg({
      users: [{ email, profile }],
      profiles: [...new Set([...PROFILES, profile])],
      integration: { profilePermissions: { [profile]: ['view'] } },
    });
    return plan(desired({ users: [email] }), live, planCtx());
  }
  const rows = (md: string): string[] => md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| User'));

  it('shows an email as a code span, so underscores are not emphasis', () => {
    const md = renderMarkdown(withUser('_x_@acme.com'));
    expect(md).toContain('| `_x_@acme.com` | none | view | granted via profile `Standard` |');
  });

  it('a name with backticks stays one code span', () => {
    const md = renderMarkdown(withUser('a`b@acme.com', 'Sales ``Rep'));
    expect(md).toContain('| ``a`b@acme.com`` | none | view | granted via profile ```Sales ``Rep``` |');
  });

  it('a name with | (and a backslash before it) cannot end the cell: every row keeps four cells', () => {
    const md = renderMarkdown(withUser('a\\|b`c_d@acme.com', 'Sales | Rep\\|x'));
    const [row = ''] = rows(md);
    expect(row).toBe('| a\\\\\\|b\\`c\\_d\\@acme\\.com | none | view | granted via profile Sales \\| Rep\\\\\\|x |');
    // A cell ends at a | after an even run of backslashes (none included): four cells, five such pipes.
    const cells = row.split(/(?<=(?:^|[^\\])(?:\\\\)*)\|/);
    expect(cells.length - 2).toBe(4);
  });
});

describe('counts for people', () => {
  it('agrees in number and separates thousands', () => {
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(0, 'step')).toBe('0 steps');
    expect(plural(12_345, 'write call')).toBe('12,345 write calls');
    expect(summaryLine(LARGE)).toBe('Plan: 2,500 to add, 1 to change, 2,500 to remove. 0 destructive.');
  });

  it('the effort line counts write calls', () => {
    expect(effortLine(swapPlan())).toBe('Apply will make about 3 write calls.');
    expect(effortLine(LARGE)).toBe('Apply will make about 51 write calls.');
  });

  it('a deactivation that drops one user says "1 user loses access"', () => {
    const live = liveOrg({ users: ['alice@acme.com'], integration: { users: ['alice@acme.com'], profilePermissions: { Standard: ['view'] } } });
    const p = plan(desired({ state: 'deactivated', portal: null }), live, planCtx({ allowDestructive: true }));
    expect(renderText(p, plain)).toContain('      1 user loses access to projects inside CRM\n');
  });
});
