import { UserError } from '../model/errors.js';

/** A malformed --faults or --limits spec (or ZPI_SANDBOX_FAULTS / ZPI_SANDBOX_LIMITS). */
export class SandboxOptionError extends UserError {
  override name = 'SandboxOptionError';
}

/** "50ms", "2s", "1m" or a bare number of milliseconds → milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1;
  return Number(m[1]) * unit;
}

/** 'a=1,b=2' → entries; '' / 'none' / 'off' → none. */
export function specEntries(spec: string, what: string): [string, string][] {
  const s = spec.trim();
  if (s === '' || s === 'none' || s === 'off') return [];
  return s.split(',').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 1) throw new SandboxOptionError(`${what} "${spec}": expected key=value pairs separated by commas, got "${part.trim()}"`);
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
}
