import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { SourcePos } from '../model/desired.js';
import { MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_DEPTH } from './limits.js';

/** Where a value sits in the file. */
export interface Located {
  /** Start of the value (the key's position when the value is empty). */
  pos: SourcePos;
  /** Start of the key, for mapping entries. */
  keyPos?: SourcePos;
  /** Raw source text of a scalar, for hints like `quote it: org: "600…"`. */
  raw?: string;
}

/** JSON pointer (as ajv's instancePath spells it) → location. */
export type NodeIndex = Map<string, Located>;

export interface LocatedMessage {
  pos: SourcePos;
  message: string;
}

export type Converted =
  | {
      value: unknown;
      index: NodeIndex;
      problems: LocatedMessage[];
      duplicateKeyOffsets: Set<number>;
      /** A `<<` merge key was found (and reported): the value lacks what it would have merged. */
      mergeKeys: boolean;
    }
  | { fatal: LocatedMessage };

export function pointer(parent: string, key: string | number): string {
  const k = String(key);
  // Most keys need no escaping; a 100,000-user manifest builds a few hundred thousand pointers.
  if (!k.includes('~') && !k.includes('/')) return `${parent}/${k}`;
  return `${parent}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Own property even for `__proto__`: assignment would set the prototype instead. */
function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

class Abort {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/**
 * Merge keys (`<<: *defaults`) are a YAML 1.1 extension that YAML 1.2 dropped; zpi refuses them rather
 * than read a user's permissions from a place the entry does not show (docs/DECISIONS.md).
 */
export const MERGE_KEY =
  'YAML merge keys (<<) are not supported: write the keys out in each mapping (an alias still shares one value, like permissions: *rw)';

type Range = [number, number, number] | undefined | null;
const startOf = (n: unknown): number => ((n as { range?: Range })?.range?.[0] ?? 0);

/**
 * Turns the YAML document into plain JS, recording where every value came from. Written by hand
 * rather than doc.toJS() so that keys can never reach Object.prototype, aliases are counted as they
 * expand (an alias bomb stops after a few hundred nodes, not a few billion), and keys that are not
 * plain text are reported instead of stringified.
 */
export function documentToJs(doc: Document.Parsed, text: string, lc: LineCounter): Converted {
  const at = (offset: number): SourcePos => lc.linePos(offset);
  const index: NodeIndex = new Map();
  const problems: LocatedMessage[] = [];
  const duplicateKeyOffsets = new Set<number>();
  const open = new Set<unknown>();
  let mergeKeys = false;
  let aliases = 0;
  let expanded = 0;

  const record = (ptr: string, node: unknown, keyPos?: SourcePos): void => {
    const range = (node as { range?: Range })?.range;
    // An empty value (`users:`) has a zero-width range after the colon: the key is clearer.
    const empty = isScalar(node) && node.value === null && node.source === '';
    const loc: Located = { pos: range && !(empty && keyPos) ? at(range[0]) : (keyPos ?? { line: 1, col: 1 }) };
    if (keyPos) loc.keyPos = keyPos;
    if (isScalar(node) && range) loc.raw = text.slice(range[0], range[1]);
    index.set(ptr, loc);
  };

  const walk = (node: unknown, ptr: string, depth: number, aliasAt: number | null, keyPos?: SourcePos): unknown => {
    if (depth > MAX_DEPTH) {
      throw new Abort(startOf(node), `nested too deeply (over ${MAX_DEPTH} levels): a manifest is only a few levels deep`);
    }
    if (aliasAt !== null && ++expanded > MAX_ALIAS_EXPANSION) {
      throw new Abort(aliasAt, `aliases expand to more than ${MAX_ALIAS_EXPANSION} values: YAML alias bombs are refused`);
    }
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) {
        throw new Abort(startOf(node), `more than ${MAX_ALIASES} aliases: YAML alias bombs are refused`);
      }
      const target = node.resolve(doc);
      // yaml only notices an unknown anchor when converting; say it here, where it is written.
      if (target === undefined) {
        problems.push({ pos: at(startOf(node)), message: `alias *${node.source} has no anchor &${node.source} before it` });
        record(ptr, node, keyPos);
        return undefined;
      }
      if (open.has(target)) throw new Abort(startOf(node), `alias *${node.source} refers to a value that contains it`);
      const value = walk(target, ptr, depth, aliasAt ?? startOf(node), keyPos);
      record(ptr, node, keyPos); // point at the alias the user wrote, not the anchor
      return value;
    }
    record(ptr, node, keyPos);
    if (isScalar(node)) {
      // A YAML 1.1 document (`%YAML 1.1`) reads an unquoted 2027-01-31 as a timestamp: keep the text
      // as written, as YAML 1.2 does, so `expires: 2027-01-31` means the same with or without quotes.
      if (node.value instanceof Date) return node.source ?? index.get(ptr)?.raw ?? node.value.toISOString().slice(0, 10);
      return node.value;
    }
    if (isSeq(node)) {
      open.add(node);
      const out = node.items.map((item, i) => walk(item, pointer(ptr, i), depth + 1, aliasAt));
      open.delete(node);
      return out;
    }
    if (isMap(node)) {
      open.add(node);
      const out: Record<string, unknown> = {};
      const firstSeen = new Map<string, SourcePos>();
      for (const pair of node.items) {
        const k: unknown = pair.key;
        const kOffset = k === null ? startOf(pair.value) : startOf(k);
        const kPos = at(kOffset);
        let name: string;
        if (k === null || k === undefined) name = '';
        else if (isScalar(k) && k.type === 'PLAIN' && (k.value === '<<' || typeof k.value === 'symbol')) {
          // `<<` unquoted: a merge key (a YAML 1.1 document makes it one; YAML 1.2 reads a key named "<<").
          mergeKeys = true;
          duplicateKeyOffsets.add(kOffset); // two of them in one mapping: this message is enough
          problems.push({ pos: kPos, message: MERGE_KEY });
          continue;
        } else if (isScalar(k)) name = typeof k.value === 'string' ? k.value : (k.source ?? String(k.value));
        else {
          problems.push({ pos: kPos, message: 'mapping keys must be plain text, not a list, mapping or alias' });
          continue;
        }
        const first = firstSeen.get(name);
        if (first) {
          duplicateKeyOffsets.add(kOffset);
          problems.push({ pos: kPos, message: `duplicate key "${name}" (first at line ${first.line})` });
          continue;
        }
        firstSeen.set(name, kPos);
        defineOwn(out, name, walk(pair.value, pointer(ptr, name), depth + 1, aliasAt, kPos));
      }
      open.delete(node);
      return out;
    }
    return null;
  };

  try {
    const value = walk(doc.contents, '', 0, null);
    return { value, index, problems, duplicateKeyOffsets, mergeKeys };
  } catch (e) {
    if (e instanceof Abort) return { fatal: { pos: at(e.offset), message: e.message } };
    if (e instanceof RangeError) {
      return { fatal: { pos: { line: 1, col: 1 }, message: 'nested too deeply: a manifest is only a few levels deep' } };
    }
    throw e;
  }
}
