import { UserError } from './errors.js';

const MAX_DEPTH = 32;

/**
 * At most this many objects and arrays: a plan of 100,000 users has about a million, its record fewer. Many more tiny
 * ones (`[{},{},…]`) cost JSON.parse gigabytes of memory and minutes before anything could refuse them.
 */
const MAX_CONTAINERS = 4_000_000;

/**
 * Why `text` is no plan, judged from its shape before it is parsed: nesting deeper than MAX_DEPTH
 * (which would overflow the stack of whatever walks it next) or more than MAX_CONTAINERS objects and
 * arrays. One pass over the characters, strings skipped; undefined when neither.
 */
function shapeProblem(text: string, noun: string): string | undefined {
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_DEPTH) return `nested more than ${MAX_DEPTH} levels deep`;
      if (++containers > MAX_CONTAINERS) return `more than 4,000,000 objects and lists, far more than ${noun} holds`;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return undefined;
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
}

/**
 * `text` (`noun`: what it should be, e.g. "a plan") parsed as JSON, judged by its shape first (a hostile file cannot exhaust memory or the
 * stack); a failure is a UserError `<prefix>: …` saying where, never quoting the file (it may be any
 * file, a .env included).
 */
export function parseJsonDocument(text: string, prefix: string, noun = 'a plan'): unknown {
  const shape = shapeProblem(text, noun);
  if (shape) throw new UserError(`${prefix}: ${shape}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const at = /at position (\d+)/.exec((err as Error).message);
    const where = at ? ` at ${lineCol(text, Number(at[1]))}` : /end of JSON input/.test((err as Error).message) ? ': it ends too soon (cut short?)' : '';
    throw new UserError(`${prefix}: invalid JSON${where}`);
  }
}
