import { LineCounter, parseAllDocuments } from 'yaml';
import type { Desired } from '../model/desired.js';
import { escapeControls, formatProblem, type Problem } from '../model/errors.js';
import { sha256 } from '../model/fingerprint.js';
import { buildDesired } from './build-desired.js';
import { decodeSource } from './decode-source.js';
import { domainChecks } from './domain-checks.js';
import { envRefProblems } from './env-refs.js';
import type { ZpiManifest } from './manifest.gen.js';
import { schemaProblems } from './schema-check.js';
import { yamlMessage, yamlProblems } from './yaml-errors.js';
import { documentToJs, type LocatedMessage, type NodeIndex } from './yaml-to-js.js';

export type ParseResult = { desired: Desired } | { problems: Problem[] };

const EMPTY = 'file is empty: expected a zpi/v1 manifest (apiVersion, kind, org…)';

/** Sorted by position, duplicates dropped: ajv and the domain checks may say the same thing twice. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = formatProblem(p);
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * Manifest text → Desired, or every problem found. Pure and synchronous: the file-reading edge is
 * load-manifest.ts. Order: encoding → YAML → schema → `${…}` references → domain rules.
 */
export function parseManifest(source: string | Uint8Array, file: string): ParseResult {
  const problem = (m: LocatedMessage): Problem => ({ file, line: m.pos.line, col: m.pos.col, message: escapeControls(m.message) });
  const fail = (ms: LocatedMessage[]): ParseResult => ({ problems: sortProblems(ms.map(problem)) });

  const decoded = decodeSource(source);
  if ('error' in decoded) return fail([{ pos: { line: 1, col: 1 }, message: decoded.error }]);
  const { text, bytes } = decoded;

  /** Schema, `${…}` references and domain rules on the converted document; Desired when all pass. */
  const check = (value: unknown, index: NodeIndex, found: LocatedMessage[]): ParseResult => {
    found.push(...schemaProblems(value, index), ...envRefProblems(value, index));
    const domain = domainChecks(value, index);
    found.push(...domain.problems);
    if (found.length > 0) return fail(found);
    const warnings = sortProblems(domain.warnings.map(problem)).map(formatProblem);
    return { desired: buildDesired(value as ZpiManifest, index, { file, hash: sha256(bytes), warnings }) };
  };

  const lc = new LineCounter();
  // prettyErrors off: its context snippet is slow on huge single lines and we format positions ourselves.
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const first = docs[0];
  if (first === undefined) return fail([{ pos: { line: 1, col: 1 }, message: EMPTY }]);

  const early: LocatedMessage[] = [];
  const second = docs[1];
  if (second !== undefined) {
    early.push({
      pos: lc.linePos(second.range[0]),
      message: 'expected one YAML document, found a second one here: a manifest describes one org',
    });
  }
  const { problems: syntax, duplicates } = yamlProblems(first, lc);
  early.push(...syntax);
  if (early.length > 0) return fail(early);
  if (first.contents === null) return fail([{ pos: { line: 1, col: 1 }, message: EMPTY }]);

  const converted = documentToJs(first, text, lc);
  if ('fatal' in converted) return fail([converted.fatal]);
  const { value, index } = converted;
  const found: LocatedMessage[] = [...converted.problems];
  for (const e of duplicates) {
    if (!converted.duplicateKeyOffsets.has(e.pos[0])) found.push({ pos: lc.linePos(e.pos[0]), message: yamlMessage(e) });
  }
  if (value === null || value === undefined) return fail([{ pos: { line: 1, col: 1 }, message: EMPTY }]);
  return check(value, index, found);
}
