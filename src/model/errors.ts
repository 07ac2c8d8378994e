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

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** One or more problems in manifest files; every one is reported, not just the first. */
export class ManifestError extends UserError {
  override name = 'ManifestError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** The manifest is valid but cannot be planned against this live state (unknown user, wrong org…). */
export class PlanError extends UserError {
  override name = 'PlanError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
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
