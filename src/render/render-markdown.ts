import type { Plan } from '../model/plan.js';
import { formatPermissions } from '../model/permissions.js';
import { accessCountsLine, deactivates, describeWhy } from './describe-access.js';
import { describeSteps, DESTRUCTIVE, formatBlastRadius, stepBodies } from './describe-steps.js';
import { fitSections, shownItems, type Foldable } from './fold-sections.js';
import { manualInstructions } from './manual-steps.js';
import { brakeLine, effortLine, MANUAL_NOTE, noChangesLine, summaryLine } from './summary-line.js';

/** Lets CI find its earlier comment on a pull request and update it instead of adding another. */
export const MARKDOWN_MARKER = '<!-- zpi-plan -->';
/** GitHub refuses comments over 65,536 characters; keep a margin. */
export const MARKDOWN_LIMIT = 65_000;

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function stepItems(plan: Plan): string[] {
  const lines = describeSteps(plan);
  const bodies = stepBodies(lines);
  // Symbol in column 0 so GitHub's diff highlighting colours additions and removals.
  return lines.map((l, i) => {
    const { body, pad } = bodies[i] ?? { body: '', pad: '' };
    const head = `${l.symbol.padEnd(3)} ${body}${l.destructive ? pad + DESTRUCTIVE : ''}`;
    return [head, ...l.notes.map((n) => `      ${n}`)].join('\n');
  });
}

function destructiveNotes(plan: Plan): string[] {
  const notes: string[] = [];
  for (const s of plan.steps) {
    if (s.kind === 'deactivate') notes.push(`> **Destructive:** deactivating the integration ${formatBlastRadius(s.blastRadius)}.`);
    if (s.kind === 'change-portal') {
      notes.push(`> **Destructive:** changing portal ${s.before.portal.name} → ${s.target} ${formatBlastRadius(s.blastRadius)}.`);
    }
  }
  const brake = brakeLine(plan);
  if (brake) notes.push(`> **${brake}**`);
  if (plan.manual) notes.push(`> ${MANUAL_NOTE}`);
  return notes;
}

/** The plan as a pull-request comment: summary first, access table, steps folded in <details>. */
export function renderMarkdown(plan: Plan): string {
  const t = plan.target;
  const where = `\`${plan.manifest.file}\` → ${t.org.name} (org ${t.org.id}) via ${t.endpointKind} ${t.endpoint}`;
  const warnings: Foldable = {
    items: plan.warnings.map((w) => `- ${w}`),
    more: (n) => `- … ${n} more warnings`,
  };
  if (plan.steps.length === 0) {
    const [shown = 0] = fitSections([warnings], MARKDOWN_LIMIT - 1_000);
    const warn = plan.warnings.length > 0 ? ['', '**Warnings**', ...shownItems(warnings, shown)] : [];
    return [`**${noChangesLine(plan)}**`, '', where, ...warn, '', MARKDOWN_MARKER, ''].join('\n');
  }

  const deactivating = deactivates(plan);
  const access: Foldable = {
    items: plan.access.map(
      (a) => `| ${cell(a.email)} | ${formatPermissions(a.before)} | ${formatPermissions(a.after)} | ${cell(describeWhy(a, deactivating))} |`,
    ),
    more: (n) => `| … ${n} more | | | |`,
  };
  const steps: Foldable = { items: stepItems(plan), more: (n) => `… ${n} more steps (zpi show PLANFILE lists them all)` };
  // Real Zoho has no API for the integration's settings: the comment tells the admin what to click.
  const setup: Foldable = {
    items: plan.steps.filter((st) => st.manual).map((st) => [`**${st.kind} ${st.target}**`, '', ...manualInstructions(st)].join('\n')),
    more: (n) => `… ${n} more manual steps (zpi show PLANFILE lists them all)`,
  };
  const sections = [access, steps, warnings, setup];

  const compose = (shown: number[]): string => {
    const [a = 0, s = 0, w = 0, m = 0] = shown;
    const manual =
      setup.items.length > 0
        ? ['', '<details><summary>Setup instructions for the manual steps</summary>', '', shownItems(setup, m).join('\n\n'), '', '</details>']
        : [];
    const table = plan.access.length > 0 ? ['', '| User | Before | After | Why |', '|---|---|---|---|', ...shownItems(access, a)] : [];
    const warn = plan.warnings.length > 0 ? ['', '**Warnings**', ...shownItems(warnings, w)] : [];
    const notes = destructiveNotes(plan);
    return [
      `**${summaryLine(plan)}**`,
      '',
      where,
      ...(notes.length > 0 ? ['', ...notes] : []),
      '',
      `#### ${accessCountsLine(plan.access)}`,
      ...table,
      '',
      `<details><summary>${plan.steps.length} steps · ${effortLine(plan)}</summary>`,
      '',
      '```diff',
      ...shownItems(steps, s),
      '```',
      '',
      '</details>',
      ...manual,
      ...warn,
      '',
      MARKDOWN_MARKER,
      '',
    ].join('\n');
  };

  // Fit the folded sections into what the fixed parts leave; shrink again if the estimate was short.
  let budget = MARKDOWN_LIMIT - compose(sections.map(() => 0)).length;
  for (;;) {
    const text = compose(fitSections(sections, budget));
    if (text.length < MARKDOWN_LIMIT || budget <= 0) return text;
    budget -= text.length - MARKDOWN_LIMIT + 1;
  }
}
