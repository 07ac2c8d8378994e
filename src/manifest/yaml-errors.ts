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

function message(e: YAMLError): string {
  if (/call stack/i.test(e.message)) return 'nested too deeply: a manifest is only a few levels deep';
  if (e.code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear once in a mapping';
  if (e.code === 'TAG_RESOLVE_FAILED') return `unknown YAML tag ${e.message.replace(/^Unresolved tag: /, '')}: zpi manifests use no tags`;
  return `invalid YAML: ${e.message}`;
}

/**
 * The YAML errors worth showing. Only the first syntax error: the parser's later ones are mostly
 * echoes of it ("Implicit keys need to be on a single line" after a bad indent), and a user fixes
 * one and re-runs. Duplicate keys are left to documentToJs, which names the first occurrence.
 */
export function yamlProblems(doc: Document.Parsed, lc: LineCounter): { problems: LocatedMessage[]; duplicates: YAMLError[] } {
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
  return { problems: [{ pos: lc.linePos(first.pos[0]), message: message(first) }], duplicates };
}

export { message as yamlMessage };
