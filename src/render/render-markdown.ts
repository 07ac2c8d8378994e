import type { AccessChange, Plan } from '../model/plan.js';
import { formatPermissions } from '../model/permissions.js';
import { accessCounts, accessCountsLine, deactivates, describeWhy, lossesFirst } from './describe-access.js';
import { describeSteps, DESTRUCTIVE, displayOrder, formatBlastRadius, neverFolded, stepBodies, stepCounts, type StepLine } from './describe-steps.js';
import { fitSections, hiddenCount, shownItems, type Foldable } from './fold-sections.js';
import { runbookBlocks, type RunbookBlock } from '../model/runbook.js';
import { blockInstructions, blockTitle } from './runbook.js';
import { driftHeading, driftLines } from './describe-drift.js';
import { escapeStrings, markdownText } from './safe-text.js';
import { brakeLine, effortLine, formatCount, MANUAL_NOTE, noChangesLine, plural, summaryLine } from './summary-line.js';

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

/** Every ASCII punctuation character: CommonMark lets a backslash escape each of them. */
const ASCII_PUNCTUATION = /[!-\/:-@\[-`{-~]/g;

/**
 * A name or email in a table cell, shown literally: a code span, so `_x_@acme.com` is not italic and
 * `</details>` is not a tag. GFM splits cells at a `|` even inside a code span, and whether a
 * backslash before it protects it differs between renderers, so a text holding `|` is written as
 * plain text with every punctuation character backslash-escaped instead: then each `|` has an odd
 * run of backslashes before it and stays in its cell.
 */
function cellName(text: string): string {
  if (text === '') return '';
  return text.includes('|') ? text.replace(ASCII_PUNCTUATION, (ch) => `\\${ch}`) : codeSpan(text);
}

/** How a shortened comment tells the reader to see everything. */
const SEE_ALL = 'zpi show PLANFILE --full';

function stepItems(lines: readonly StepLine[]): string[] {
  const bodies = stepBodies(lines);
  // Symbol in column 0 so GitHub's diff highlighting colours additions and removals.
  return lines.map((l, i) => {
    const { body, pad } = bodies[i] ?? { body: '', pad: '' };
    const head = `${l.symbol.padEnd(3)} ${body}${l.destructive ? pad + DESTRUCTIVE : ''}`;
    return [head, ...l.notes.map((n) => `      ${n}`)].join('\n');
  });
}

/**
 * The runbook as list lines, one Setup screen visit after another: a heading and its instructions
 * (users to tick or clear one line each), so a comment that must be cut keeps the first screens
 * whole and cuts the last one's list (the grants: gains fold first).
 */
function runbookLines(blocks: readonly RunbookBlock[]): string[] {
  return blocks.flatMap((block, i) => [
    `${i === 0 ? '' : '\n'}**${i + 1}/${blocks.length} · ${blockTitle(block, markdownText)}**\n`,
    ...blockInstructions(block, markdownText).map((l) => (l.startsWith('  ') ? `  - ${l.trimStart()}` : `- ${l}`)),
  ]);
}

/** Drift first in the comment: a table of what changed outside zpi since the record. */
function driftTable(plan: Plan): string[] {
  const lines = driftLines(plan.drift ?? [], cellName);
  if (lines.length === 0) return [];
  const shown = lines.slice(0, DRIFT_ROWS).map((l) => `| ${l.symbol} ${l.noun} | ${l.target} | ${l.change} | ${l.note} |`);
  // (Targets arrive escaped by driftLines(…, cellName): a code span, or every punctuation escaped.)
  if (lines.length > shown.length) shown.push(`| … ${lines.length - shown.length} more | | | |`);
  return ['', `#### ${driftHeading(plan, markdownText)}`, '', '| | Target | Recorded → found | |', '|---|---|---|---|', ...shown];
}

/** Drift rows shown before the rest of the comment; the JSON plan lists them all. */
const DRIFT_ROWS = 100;

/**
 * When the comment had to be shortened: what it shows of each long list, that losses come first and
 * gains were left out first, and how to see everything. Null when nothing was left out.
 */
function foldNote(...lists: { shown: number; total: number; noun: string }[]): string | null {
  const cut = lists.filter((l) => l.shown < l.total);
  if (cut.length === 0) return null;
  const parts = cut.map((l) => `${formatCount(l.shown)} of ${formatCount(l.total)} ${l.noun}`).join(' and ');
  return (
    `> **Shortened to fit a pull-request comment:** it shows ${parts}, listed losses first, so gains are ` +
    `the first left out. \`${SEE_ALL}\` prints every one (\`zpi plan --full\` too).`
  );
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
    more: (n) => `- … ${plural(n, 'more warning')}`,
  };
  if (plan.steps.length === 0) {
    const [shown = 0] = fitSections([warnings], MARKDOWN_LIMIT - 1_000);
    const warn = plan.warnings.length > 0 ? ['', '**Warnings**', ...shownItems(warnings, shown)] : [];
    return [`**${noChangesLine(plan, md)}**`, '', where, ...driftTable(plan), ...warn, '', MARKDOWN_MARKER, ''].join('\n');
  }

  const deactivating = deactivates(plan);
  // Losses first, gains last (DESIGN §4): folding cuts each list from its end, so gains go first.
  const changes = lossesFirst(plan.access);
  const access: Foldable = {
    items: changes.map(
      (a) => `| ${cellName(a.email)} | ${formatPermissions(a.before)} | ${formatPermissions(a.after)} | ${describeWhy(a, deactivating, cellName)} |`,
    ),
    more: (n, hidden) => `| … ${formatCount(n)} more: ${accessCounts(hidden.map((i) => changes[i] as AccessChange))} | | | |`,
  };
  const ordered = displayOrder(describeSteps(plan));
  const steps: Foldable = {
    items: stepItems(ordered),
    keep: ordered.map(neverFolded),
    more: (n, hidden) => `… ${plural(n, 'more step')}: ${stepCounts(hidden.map((i) => ordered[i] as StepLine))} (${SEE_ALL} lists them all)`,
  };
  // Real Zoho has no API for the integration's settings: the comment tells the admin what to click.
  const blocks = runbookBlocks(plan);
  const setup: Foldable = {
    items: runbookLines(blocks),
    more: (n) => `- … ${formatCount(n)} more lines of the runbook (zpi show PLANFILE lists them all)`,
  };
  const sections = [access, steps, warnings, setup];

  const compose = (shown: number[]): string => {
    const [a = 0, s = 0, w = 0, m = 0] = shown;
    const manual =
      setup.items.length > 0
        ? ['', `<details><summary>Runbook: ${blocks.length} Setup screen${blocks.length === 1 ? '' : 's'} to visit in Zoho CRM</summary>`, '', shownItems(setup, m).join('\n'), '', '</details>']
        : [];
    const table = plan.access.length > 0 ? ['', '| User | Before | After | Why |', '|---|---|---|---|', ...shownItems(access, a)] : [];
    const warn = plan.warnings.length > 0 ? ['', '**Warnings**', ...shownItems(warnings, w)] : [];
    const notes = destructiveNotes(plan);
    const fold = foldNote(
      { shown: access.items.length - hiddenCount(access, a), total: access.items.length, noun: 'access changes' },
      { shown: steps.items.length - hiddenCount(steps, s), total: steps.items.length, noun: 'steps' },
    );
    // Its own paragraph of the quote: consecutive "> " lines would run into one.
    if (fold) notes.push(...(notes.length > 0 ? ['>', fold] : [fold]));
    return [
      `**${summaryLine(plan)}**`,
      '',
      where,
      ...driftTable(plan),
      ...(notes.length > 0 ? ['', ...notes] : []),
      '',
      `#### ${accessCountsLine(plan.access)}`,
      ...table,
      '',
      `<details><summary>${plural(plan.steps.length, 'step')} · ${effortLine(plan)}</summary>`,
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
