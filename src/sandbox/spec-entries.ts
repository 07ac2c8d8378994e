import { SandboxOptionError } from './options-error.js';

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
