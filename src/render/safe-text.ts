import { escapeControls, HAS_CONTROL } from '../model/errors.js';

/**
 * Text that came from the remote (org, portal and profile names, emails, Zoho's messages) or from a
 * file, made safe to print: control characters, line breaks and bidi overrides escaped, so a name
 * cannot move the cursor, retitle the terminal, clear the screen or hide text (DESIGN §4).
 */
export const terminalText = escapeControls;

/**
 * A copy of `value` with every string in it passed through terminalText; the renderers call it once
 * on the plan they are given, so no name reaches the output unescaped whichever line prints it.
 * Objects without a string needing it are returned as they are (no copy for the common case).
 */
export function escapeStrings<T>(value: T): T {
  return (needsEscape(value) ? copyEscaped(value) : value) as T;
}

// Keys already found clean: a plan repeats the same few dozen (its own field names) on every step.
const CLEAN_KEYS = new Set<string>();
const cleanKey = (k: string): boolean => {
  if (CLEAN_KEYS.has(k)) return true;
  if (HAS_CONTROL.test(k)) return false;
  if (CLEAN_KEYS.size < 1_000) CLEAN_KEYS.add(k);
  return true;
};

// Plain loops: this walks every string of a plan of 100,000 steps, and finds nothing almost always.
function needsEscape(v: unknown): boolean {
  if (typeof v === 'string') return HAS_CONTROL.test(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (const x of v) if (needsEscape(x)) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (Object.hasOwn(o, k) && (!cleanKey(k) || needsEscape(o[k]))) return true;
  }
  return false;
}

function copyEscaped(v: unknown): unknown {
  if (typeof v === 'string') return escapeControls(v);
  if (Array.isArray(v)) return v.map(copyEscaped);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // defineProperty: a key such as __proto__ stays data.
      Object.defineProperty(out, escapeControls(k), { value: copyEscaped(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

// Characters that would let a name start HTML (`</details>`, `<!-- zpi-plan -->`), end a table cell
// (`|`), open or close a code span (`` ` ``), make a link (`[…](…)`), emphasis (`*`) or an escape (`\`).
const MARKDOWN_SPECIAL = /[\\`|<>[\]*]/g;

/**
 * Remote or file text for Markdown outside a code block (table cells, the heading line, Setup
 * instructions): controls escaped first, then every character Markdown or HTML would act on
 * backslash-escaped, so the text renders literally and cannot end the cell, the code span or the fold.
 */
export function markdownText(text: string): string {
  return escapeControls(text).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}
