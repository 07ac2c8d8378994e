import type { Plan } from '../model/plan.js';
import { palette, type Palette } from './ansi.js';
import { accessCounts, accessCountsLine, deactivates, describeTransition, describeWhy, lossesFirst, takesAccess } from './describe-access.js';
import { describeSteps, DESTRUCTIVE, displayOrder, neverFolded, stepBodies, stepCounts, type StepLine } from './describe-steps.js';
import { runbookBlocks } from '../model/runbook.js';
import { blockInstructions, blockTitle } from './runbook.js';
import { driftHeading, driftLines } from './describe-drift.js';
import { escapeStrings, terminalText } from './safe-text.js';
import { brakeLine, effortLine, formatCount, MANUAL_NOTE, noChangesLine, plural, summaryLine } from './summary-line.js';

export interface TextOptions {
  /** ANSI colour; the caller decides (a TTY, no NO_COLOR). */
  color: boolean;
  /** First line, e.g. "zpi plan · integration.yaml → Acme Corp (org 600…) via sandbox http://…". */
  header?: string;
  /** "Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s)." */
  readSummary?: string;
  /** Every step and every access row (`--full`); otherwise long lists are shortened, gains first. */
  full?: boolean;
  /** The command that prints everything, named where a list is shortened; default "zpi plan --full". */
  fullCommand?: string;
}

/** Beyond this many users the effective-access section shows the first ones (losses first) and a count. */
const ACCESS_LINES = 20;
/** Beyond this many steps the step list shows the first ones (destructive and losses first) and a count. */
const STEP_LINES = 200;
const NOTE_INDENT = '      ';

function symbol(c: Palette, s: StepLine['symbol']): string {
  const padded = s.padStart(3);
  if (s === '+') return c.green(padded);
  if (s === '~') return c.yellow(padded);
  if (s === '-') return c.red(padded);
  return `${c.red('-')}/${c.green('+')}`;
}

/** What the reader runs to see a shortened list whole. */
function fullCommand(opts: TextOptions): string {
  return terminalText(opts.fullCommand ?? 'zpi plan --full');
}

/**
 * The steps, destructive and losses first (DESIGN §4); past STEP_LINES the per-user lines are folded,
 * gains first (portal and profile lines are always shown), and the last line says what was left out.
 */
function stepSection(plan: Plan, c: Palette, opts: TextOptions): string[] {
  const all = displayOrder(describeSteps(plan));
  const shown = (l: StepLine, i: number): boolean => opts.full === true || i < STEP_LINES || neverFolded(l);
  const lines = all.filter(shown);
  const bodies = stepBodies(lines);
  const out: string[] = [];
  lines.forEach((l, i) => {
    const { body, pad } = bodies[i] ?? { body: '', pad: '' };
    const marker = l.destructive ? `${pad}${c.bold(c.red(DESTRUCTIVE))}` : '';
    out.push(`${symbol(c, l.symbol)} ${body}${marker}`);
    for (const note of l.notes) out.push(`${NOTE_INDENT}${note}`);
  });
  const hidden = all.filter((l, i) => !shown(l, i));
  if (hidden.length > 0) {
    out.push(`  … and ${plural(hidden.length, 'more step')}: ${stepCounts(hidden)} (${fullCommand(opts)} lists them all)`);
  }
  return out;
}

/** What changed outside zpi since the record, ahead of the steps (Terraform's "changed outside"). */
function driftSection(plan: Plan, c: Palette): string[] {
  const lines = driftLines(plan.drift ?? []);
  if (lines.length === 0) return [];
  const w = (k: 'noun' | 'target' | 'change'): number => lines.reduce((n, l) => Math.max(n, l[k].length), 0);
  const [wn, wt, wc] = [w('noun'), w('target'), w('change')];
  const sym = (s: string): string => (s === '+' ? c.green(s) : s === '-' ? c.red(s) : c.yellow(s));
  return [
    c.bold(driftHeading(plan)),
    ...lines.map((l) => `  ${sym(l.symbol)} ${l.noun.padEnd(wn)}  ${l.target.padEnd(wt)}  ${l.change.padEnd(wc)}  (${l.note})`),
  ];
}

/**
 * Real Zoho has no API for the settings: what the administrator does, one block per visit to a
 * Setup screen, in the order apply asks for them.
 */
export function runbookSection(plan: Plan, c: Palette): string[] {
  const blocks = runbookBlocks(plan);
  if (blocks.length === 0) return [];
  const out = [c.bold(`Runbook: ${blocks.length} Setup screen${blocks.length === 1 ? '' : 's'} to visit in Zoho CRM, in this order`)];
  blocks.forEach((b, i) => {
    out.push('', `  ${c.bold(`[${i + 1}/${blocks.length}] ${blockTitle(b)}`)}`);
    out.push(...blockInstructions(b).map((l) => `    ${l}`));
  });
  return out;
}

/**
 * Every user whose access changes, losses first (DESIGN §4): red for a change that takes a
 * permission (loses, reduced, changed), yellow for one that gives (escalated, gains). Past
 * ACCESS_LINES the gains are folded first, and the last line says what it left out.
 */
function accessSection(plan: Plan, c: Palette, opts: TextOptions): string[] {
  const out = [c.bold(accessCountsLine(plan.access))];
  const all = lossesFirst(plan.access);
  const shown = opts.full ? all : all.slice(0, ACCESS_LINES);
  const deactivating = deactivates(plan);
  const rows = shown.map((a) => [a.email, a.change, describeTransition(a), describeWhy(a, deactivating), takesAccess(a)] as const);
  const width = (i: 0 | 1 | 2): number => rows.reduce((w, r) => Math.max(w, r[i].length), 0);
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  for (const [email, change, transition, why, takes] of rows) {
    const word = change.padEnd(w1);
    out.push(`  ${email.padEnd(w0)}  ${takes ? c.red(word) : c.yellow(word)}  ${transition.padEnd(w2)}  ${why}`);
  }
  const hidden = all.slice(shown.length);
  if (hidden.length > 0) {
    out.push(`  … and ${formatCount(hidden.length)} more: ${accessCounts(hidden)} (${fullCommand(opts)} lists every user)`);
  }
  return out;
}

/**
 * The plan for a terminal, in Terraform's idiom (DESIGN §9). Colour only when `opts.color`. Every
 * string of the plan (names, emails, warnings) and of the header is escaped before it is laid out,
 * so the only escape sequences in the output are the colours added here.
 */
export function renderText(given: Plan, opts: TextOptions): string {
  const plan = escapeStrings(given);
  const c = palette(opts.color);
  const out: string[] = [];
  if (opts.header) out.push(c.bold(terminalText(opts.header)));
  if (opts.readSummary) out.push(terminalText(opts.readSummary));
  if (out.length > 0) out.push('');
  const warnings = plan.warnings.map((w) => `${c.yellow('Warning:')} ${w}`);
  const drift = driftSection(plan, c);
  if (drift.length > 0) out.push(...drift, '');

  if (plan.steps.length === 0) {
    if (warnings.length > 0) out.push(...warnings, '');
    out.push(noChangesLine(plan));
    return `${out.join('\n')}\n`;
  }

  out.push(...stepSection(plan, c, opts), '', ...accessSection(plan, c, opts), '');
  const runbook = runbookSection(plan, c);
  if (runbook.length > 0) out.push(...runbook, '');
  const notes = [...warnings];
  const brake = brakeLine(plan);
  if (brake) notes.push(c.red(brake));
  if (plan.manual) notes.push(MANUAL_NOTE);
  if (notes.length > 0) out.push(...notes, '');
  out.push(c.bold(summaryLine(plan)), effortLine(plan));
  return `${out.join('\n')}\n`;
}
