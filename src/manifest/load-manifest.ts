import type { Desired } from '../model/desired.js';
import { ManifestError, type Problem } from '../model/errors.js';
import { parseManifest } from './parse-manifest.js';
import { readSource } from './read-source.js';

/** How a path is named in messages: `-` reads stdin, and `-:1:1:` would read as a typo. */
export function displayName(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

export type CheckResult = { desired: Desired; problems: [] } | { desired?: undefined; problems: Problem[] };

/** Reads and parses one manifest; never throws for anything the user caused. */
export function checkFile(path: string): CheckResult {
  const file = displayName(path);
  const read = readSource(path);
  if ('error' in read) return { problems: [{ file, line: 1, col: 1, message: read.error }] };
  const parsed = parseManifest(read.bytes, file);
  return 'desired' in parsed ? { desired: parsed.desired, problems: [] } : { problems: parsed.problems };
}

/**
 * The manifest at `path` as Desired. Throws ManifestError listing every problem (unreadable file,
 * YAML, schema, domain rules); warnings travel in `desired.warnings`.
 */
export function loadManifest(path: string): Desired {
  const result = checkFile(path);
  if (result.desired === undefined) throw new ManifestError(result.problems);
  return result.desired;
}

/** Every problem in every file, in file order ([] when all are valid), and the warnings of the valid files (`file:line:col: message`). */
export function checkFiles(paths: string[]): { problems: Problem[]; warnings: string[] } {
  const results = paths.map(checkFile);
  return {
    problems: results.flatMap((r) => r.problems),
    warnings: results.flatMap((r) => r.desired?.warnings ?? []),
  };
}
