import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const NAMES = ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream'] as const;

/**
 * Runs fn, recording each node:fs function asked to open or read `path` meanwhile (by name, in order).
 * Every call still goes through to node:fs. The ESM bindings src/ imports (`import { openSync } from
 * 'node:fs'`) follow node:fs's own functions once syncBuiltinESMExports() has run, so they are seen too.
 */
export function opensOf<T>(path: string, fn: () => T): { result: T; opened: string[] } {
  const opened: string[] = [];
  const mutable = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = NAMES.map((n) => mutable[n]!);
  NAMES.forEach((n, i) => {
    mutable[n] = (...args: unknown[]) => {
      if (String(args[0]) === path) opened.push(n);
      return saved[i]!(...args);
    };
  });
  syncBuiltinESMExports();
  try {
    return { result: fn(), opened };
  } finally {
    NAMES.forEach((n, i) => (mutable[n] = saved[i]!));
    syncBuiltinESMExports();
  }
}
