import type { Plan } from '../model/plan.js';
import { formatPermissions } from '../model/permissions.js';
import { accessCountsLine, deactivates, describeWhy } from './describe-access.js';
import { describeSteps, DESTRUCTIVE, formatBlastRadius, stepBodies } from './describe-steps.js';
import { fitSections, shownItems, type Foldable } from './fold-sections.js';
import { manualInstructions } from './manual-steps.js';
import { escapeStrings, markdownText } from './safe-text.js';
import { brakeLine, effortLine, MANUAL_NOTE, noChangesLine, summaryLine } from './summary-line.js';

/** Lets CI find its earlier comment on a pull request and update it instead of adding another. */
export const MARKDOWN_MARKER = '<!-- zpi-plan -->';
/** GitHub refuses comments over 65,536 characters; keep a margin. */
export const MARKDOWN_LIMIT = 65_000;

/**
 * A code span holding `text` literally: fenced with one backtick more than the longest run inside
 * it (CommonMark), padded when the text starts or ends with a backtick.
 */
function codeSpan(text: string): string {
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

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
      const swap = `${markdownText(s.before.portal.name)} → ${markdownText(s.target)}`;
      notes.push(`> **Destructive:** changing portal ${swap} ${formatBlastRadius(s.blastRadius)}.`);
    }
  }
  const brake = brakeLine(plan);
  if (brake) notes.push(`> **${brake}**`);
  if (plan.manual) notes.push(`> ${MANUAL_NOTE}`);
  return notes;
}

/**
 * The plan as a pull-request comment: summary first, access table, steps folded in <details>.
 * Names, emails and warnings are escaped twice over: control characters (escapeStrings), and, outside
 * the steps' code block, Markdown and HTML (markdownText), so a profile called `</details>` or
 * `<!-- zpi-plan -->` shows as text and cannot end the fold, a cell or the comment's marker.
 */
export function renderMarkdown(given: Plan): string {
  const plan = escapeStrings(given);
  const t = plan.target;
  const md = markdownText;
  const where = `${codeSpan(plan.manifest.file)} → ${md(t.org.name)} (org ${md(t.org.id)}) via ${t.endpointKind} ${md(t.endpoint)}`;
  const warnings: Foldable = {
    items: plan.warnings.map((w) => `- ${md(w)}`),
    more: (n) => `- … ${n} more warnings`,
  };
  if (plan.steps.length === 0) {
    const [shown = 0] = fitSections([warnings], MARKDOWN_LIMIT - 1_000);
    const warn = plan.warnings.length > 0 ? ['', '**Warnings**', ...shownItems(warnings, shown)] : [];
    return [`**${noChangesLine(plan, md)}**`, '', where, ...warn, '', MARKDOWN_MARKER, ''].join('\n');
  }

  const deactivating = deactivates(plan);
  const access: Foldable = {
    items: plan.access.map(
      (a) => `| ${md(a.email)} | ${formatPermissions(a.before)} | ${formatPermissions(a.after)} | ${md(describeWhy(a, deactivating))} |`,
    ),
    more: (n) => `| … ${n} more | | | |`,
  };
  const steps: Foldable = { items: stepItems(plan), more: (n) => `… ${n} more steps (zpi show PLANFILE lists them all)` };
  // Real Zoho has no API for the integration's settings: the comment tells the admin what to click.
  const setup: Foldable = {
    items: plan.steps
      .filter((st) => st.manual)
      .map((st) => [`**${st.kind} ${md(st.target)}**`, '', ...manualInstructions(st, md)].join('\n')),
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
