import { visit, type Document, type LineCounter, type YAMLError } from 'yaml';
import type { LocatedMessage } from './yaml-to-js.js';

/** Where an unclosed quoted string starts: yaml reports the end of the file, which helps nobody. */
function unclosedQuoteStart(doc: Document.Parsed, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const r = node.range;
      if (r && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && r[0] <= offset && r[1] >= offset) {
        start = r[0];
      }
    },
  });
  return start;
}

const TAGS = 'zpi manifests use no tags';

/**
 * yaml's messages that quote the source (an escape, a directive, a token, a tag), with words that do
 * not: a file given by mistake (.env) may hold a secret right there. The rest quote at most one
 * indicator character (`Unexpected ] in flow map`) and are kept as they are.
 */
const QUOTING: [RegExp, string][] = [
  [/^Invalid escape sequence\b/, 'invalid escape sequence in a double-quoted string (write \\\\ for a backslash, or use single quotes)'],
  [/^Not a YAML token\b/, 'not a YAML token'],
  [/^Unknown directive\b/, 'unknown directive (a line starting with %)'],
  [/^Unsupported YAML version\b/, 'unsupported YAML version (a line starting with %YAML)'],
  [/^Unresolved plain scalar\b/, 'unresolved plain scalar'],
  [/^Block scalar header includes extra characters\b/, 'extra characters after the | or > of a block scalar'],
  [/^Ordered maps must not include duplicate keys\b/, 'duplicate key in an ordered map'],
  [/^Anchor must not contain\b/, 'an anchor must not contain whitespace or control characters'],
  [/^Unresolved alias\b/, 'alias without an anchor before it'],
  [/^(Could not resolve tag|Not a valid tag|Verbatim tags|The .* tag has no suffix|.* used for .* collection|Value may be parsed as either)/s, TAGS],
];
// A tag short and plain enough to be a typo worth naming (`!portal`), not a pasted value.
const SHOWABLE_TAG = /^!{1,2}[A-Za-z][\w.:/-]{0,30}$/;

/**
 * One YAML error in words. `quote`: the file looks like a manifest, so a tag may be named; otherwise
 * nothing of the file is repeated, the message says only what kind of error is where.
 */
function message(e: YAMLError, quote = true): string {
  if (/call stack/i.test(e.message)) return 'nested too deeply: a manifest is only a few levels deep';
  if (e.code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear once in a mapping';
  if (e.code === 'TAG_RESOLVE_FAILED') {
    const tag = e.message.replace(/^Unresolved tag: /, '');
    return quote && SHOWABLE_TAG.test(tag) ? `unknown YAML tag ${tag}: ${TAGS}` : `unknown YAML tag: ${TAGS}`;
  }
  const quoting = QUOTING.find(([re]) => re.test(e.message));
  if (quoting) return quoting[1] === TAGS ? `unsupported YAML tag: ${TAGS}` : `invalid YAML: ${quoting[1]}`;
  return `invalid YAML: ${e.message}`;
}

/**
 * The YAML errors worth showing. Only the first syntax error: the parser's later ones are mostly
 * echoes of it ("Implicit keys need to be on a single line" after a bad indent), and a user fixes
 * one and re-runs. Duplicate keys are left to documentToJs, which names the first occurrence.
 */
export function yamlProblems(
  doc: Document.Parsed,
  lc: LineCounter,
  quote = true,
): { problems: LocatedMessage[]; duplicates: YAMLError[] } {
  const all = [...doc.errors, ...doc.warnings];
  const duplicates = all.filter((e) => e.code === 'DUPLICATE_KEY');
  const first = all.filter((e) => e.code !== 'DUPLICATE_KEY').sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (first === undefined) return { problems: [], duplicates };
  if (first.code === 'MISSING_CHAR' && /quote/.test(first.message)) {
    const start = unclosedQuoteStart(doc, first.pos[0]);
    if (start !== undefined) {
      return { problems: [{ pos: lc.linePos(start), message: 'invalid YAML: this quoted string has no closing quote' }], duplicates };
    }
  }
  return { problems: [{ pos: lc.linePos(first.pos[0]), message: message(first, quote) }], duplicates };
}

export { message as yamlMessage };
