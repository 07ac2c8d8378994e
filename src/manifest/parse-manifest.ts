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

/** The manifest's top-level keys (schema/integration.schema.json). */
const MANIFEST_KEYS = ['apiVersion', 'kind', 'org', 'dc', 'state', 'portal', 'profiles', 'users'];
// A top-level manifest key written in the text (block or flow style), for files YAML cannot parse.
const MANIFEST_KEY_TEXT = /(?:^|[{,]\s*)["']?(?:apiVersion|kind|org|dc|state|portal|profiles|users)["']?[ \t]*:/m;
const NOT_SHOWN = 'its content is not shown';

/**
 * Why a document is not a manifest at all (a .env file, a list, a YAML file of something else), in
 * words that repeat nothing of it: such a file is often one of secrets given by mistake (`-f .env`).
 * Undefined for a mapping that has at least one manifest key, or none at all (`{}`): that one is a
 * manifest with mistakes, and its problems are worth naming key by key.
 */
function notAManifest(value: unknown): string | undefined {
  if (Array.isArray(value)) return 'the manifest must be a mapping of apiVersion, kind, org… (got a list)';
  if (value === null || typeof value !== 'object') {
    const what = typeof value === 'string' ? 'text' : typeof value === 'boolean' ? 'a boolean' : 'a number';
    return `not a zpi manifest: expected a mapping of apiVersion, kind, org…, got ${what}; ${NOT_SHOWN}`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0 || keys.some((k) => MANIFEST_KEYS.includes(k))) return undefined;
  return `not a zpi manifest: it has no apiVersion, kind, org, portal, profiles or users key at the top level; ${NOT_SHOWN}`;
}

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
  const looksLikeManifest = MANIFEST_KEY_TEXT.test(text);
  const { problems: syntax, duplicates } = yamlProblems(first, lc, looksLikeManifest);
  if (!looksLikeManifest) {
    for (const p of syntax) p.message = `not a zpi manifest: ${p.message}; ${NOT_SHOWN}`;
  }
  early.push(...syntax);
  if (early.length > 0) return fail(early);
  if (first.contents === null) return fail([{ pos: { line: 1, col: 1 }, message: EMPTY }]);

  const converted = documentToJs(first, text, lc);
  if ('fatal' in converted) return fail([converted.fatal]);
  const { value, index } = converted;
  if (value !== null && value !== undefined) {
    const not = notAManifest(value);
    if (not) return fail([{ pos: index.get('')?.pos ?? { line: 1, col: 1 }, message: not }]);
  }
  const found: LocatedMessage[] = [...converted.problems];
  for (const e of duplicates) {
    if (!converted.duplicateKeyOffsets.has(e.pos[0])) found.push({ pos: lc.linePos(e.pos[0]), message: yamlMessage(e) });
  }
  if (value === null || value === undefined) return fail([{ pos: { line: 1, col: 1 }, message: EMPTY }]);
  // Without what a merge key would have merged, the schema would only echo it ("missing email").
  if (converted.mergeKeys) return fail(found);
  return check(value, index, found);
}
