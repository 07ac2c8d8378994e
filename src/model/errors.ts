/**
 * zpi's error classes. The CLI entry maps them to exit codes: a UserError (and its subclasses)
 * prints its message on one line with no stack, exit 1; anything else is a bug (stack, exit 1).
 */
export class UserError extends Error {
  override name = 'UserError';
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

// C0 and C1 controls, DEL, the Unicode line/paragraph separators, and the bidirectional formatting
// characters (ALM, LRM/RLM, embeddings/overrides U+202A–202E, isolates U+2066–2069): an override can
// make `bob@acme.com` display as another address, or hide the text after it ("Trojan Source").
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** True when `text` holds a character escapeControls would escape. */
export const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A message quoting user input stays one printable line: a key or value holding a line break, a
 * bare CR or an ESC (terminal escape sequences) is shown escaped (`\r`, `\u001b`), never raw.
 * Idempotent (the escaped form holds no control character), so text may pass through it twice.
 */
export function escapeControls(text: string): string {
  // Most text holds none: skip the replace (renderers call this for every name of a large org).
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatProblem(p: Problem): string {
  return `${escapeControls(p.file)}:${p.line}:${p.col}: ${escapeControls(p.message)}`;
}

/** Problems located in a manifest, every one reported (one `file:line:col: message` line each), not just the first. */
export class ProblemsError extends UserError {
  override name = 'ProblemsError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** One or more problems in manifest files. */
export class ManifestError extends ProblemsError {
  override name = 'ManifestError';
}

/** The manifest is valid but cannot be planned against this live state (unknown user, wrong org…). */
export class PlanError extends ProblemsError {
  override name = 'PlanError';
}

/**
 * An error answered by Zoho (or the sandbox), parsed in one place by the client.
 * `code` is Zoho's code (INVALID_TOKEN, NO_PERMISSION…) or a transport code (ECONNRESET, TIMEOUT).
 */
export class ZohoApiError extends UserError {
  override name = 'ZohoApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Why an apply stops before its plan is done other than a failed step: a signal (SIGINT/SIGTERM), or
 * the apply lock lost to another process. The call in flight finishes; no further call is made.
 */
export class ApplyStopped extends UserError {
  override name = 'ApplyStopped';
  constructor(
    readonly code: 'INTERRUPTED' | 'LOCK_LOST',
    message: string,
    /** The signal, for the exit code (130 SIGINT, 143 SIGTERM). */
    readonly signal?: 'SIGINT' | 'SIGTERM',
  ) {
    super(message);
  }
}
