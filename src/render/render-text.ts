import type { Plan } from '../model/plan.js';
import { palette, type Palette } from './ansi.js';
import { accessCountsLine, deactivates, describeTransition, describeWhy } from './describe-access.js';
import { describeSteps, DESTRUCTIVE, stepBodies, type StepLine } from './describe-steps.js';
import { manualInstructions } from './manual-steps.js';
import { escapeStrings, terminalText } from './safe-text.js';
import { brakeLine, effortLine, MANUAL_NOTE, noChangesLine, summaryLine } from './summary-line.js';

export interface TextOptions {
  /** ANSI colour; the caller decides (a TTY, no NO_COLOR). */
  color: boolean;
  /** First line, e.g. "zpi plan · integration.yaml → Acme Corp (org 600…) via sandbox http://…". */
  header?: string;
  /** "Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s)." */
  readSummary?: string;
}

/** Beyond this many users the effective-access section shows the first ones and a count. */
const ACCESS_LINES = 20;
const NOTE_INDENT = '      ';

function symbol(c: Palette, s: StepLine['symbol']): string {
  const padded = s.padStart(3);
  if (s === '+') return c.green(padded);
  if (s === '~') return c.yellow(padded);
  if (s === '-') return c.red(padded);
  return `${c.red('-')}/${c.green('+')}`;
}

function stepSection(plan: Plan, c: Palette): string[] {
  const lines = describeSteps(plan);
  const bodies = stepBodies(lines);
  const out: string[] = [];
  lines.forEach((l, i) => {
    const { body, pad } = bodies[i] ?? { body: '', pad: '' };
    const marker = l.destructive ? `${pad}${c.bold(c.red(DESTRUCTIVE))}` : '';
    out.push(`${symbol(c, l.symbol)} ${body}${marker}`);
    for (const note of l.notes) out.push(`${NOTE_INDENT}${note}`);
    if (l.manual) {
      for (const step of l.steps) {
        // A portal swap is two steps on one line: apply asks about each, so name each list.
        if (l.steps.length > 1) out.push(`${NOTE_INDENT}${step.kind} ${step.target}:`);
        out.push(...manualInstructions(step).map((s) => `${NOTE_INDENT}${s}`));
      }
    }
  });
  return out;
}

function accessSection(plan: Plan, c: Palette): string[] {
  const out = [c.bold(accessCountsLine(plan.access))];
  const shown = plan.access.slice(0, ACCESS_LINES);
  const deactivating = deactivates(plan);
  const rows = shown.map((a) => [a.email, a.change, describeTransition(a), describeWhy(a, deactivating)] as const);
  const width = (i: 0 | 1 | 2): number => rows.reduce((w, r) => Math.max(w, r[i].length), 0);
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  for (const [email, change, transition, why] of rows) {
    const word = change.padEnd(w1);
    const colored = change === 'gains' || change === 'escalated' ? c.yellow(word) : word;
    out.push(`  ${email.padEnd(w0)}  ${colored}  ${transition.padEnd(w2)}  ${why}`);
  }
  const more = plan.access.length - shown.length;
  if (more > 0) out.push(`  … and ${more} more (zpi plan --format json lists every user)`);
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

  if (plan.steps.length === 0) {
    if (warnings.length > 0) out.push(...warnings, '');
    out.push(noChangesLine(plan));
    return `${out.join('\n')}\n`;
  }

  out.push(...stepSection(plan, c), '', ...accessSection(plan, c), '');
  const notes = [...warnings];
  const brake = brakeLine(plan);
  if (brake) notes.push(c.red(brake));
  if (plan.manual) notes.push(MANUAL_NOTE);
  if (notes.length > 0) out.push(...notes, '');
  out.push(c.bold(summaryLine(plan)), effortLine(plan));
  return `${out.join('\n')}\n`;
}
