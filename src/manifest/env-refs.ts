import { labelOf, segmentsOf } from './describe.js';
import { pointer, type LocatedMessage, type NodeIndex } from './yaml-to-js.js';

/** Environment variable names zpi accepts in `${NAME}`: the POSIX portable upper-case form. */
const NAME = /^[A-Z_][A-Z0-9_]*$/;
const WHOLE_REF = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
/** The only place a reference may stand: everything else is compared literally with Zoho. */
export const ZSC_KEY_POINTER = '/portal/zscKey';

const EXAMPLE = '${ZPI_ZSC_KEY}';
const EMPTY_REF = `empty reference "\${}": name an environment variable, like ${EXAMPLE}`;

/** `FOO` for `${FOO}`, else undefined. */
export function referenceName(value: string): string | undefined {
  return WHOLE_REF.exec(value)?.[1];
}

/**
 * A broken name worth repeating: a misspelt variable (`zpi_zsc_key`, `ZPI-ZSC-KEY`), short and mostly
 * letters. Anything else between `${` and `}` may be a pasted key, which a message must not echo.
 */
function showable(name: string): boolean {
  const digits = name.replace(/\D/g, '').length;
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,39}$/.test(name) && digits <= 3;
}

/**
 * Syntax problems of the `${…}` references in one string; empty when all are well formed. What is
 * between `${` and `}` is repeated only when it looks like a misspelt name.
 */
function syntaxProblems(s: string): string[] {
  const messages: string[] = [];
  for (let i = s.indexOf('${'); i !== -1; i = s.indexOf('${', i + 2)) {
    const close = s.indexOf('}', i + 2);
    if (close === -1) {
      const rest = s.slice(i + 2);
      messages.push(`unclosed reference${showable(rest) ? ` "\${${rest}"` : ''}: add the closing } (like ${EXAMPLE})`);
      break;
    }
    const name = s.slice(i + 2, close);
    if (name === '') messages.push(EMPTY_REF);
    else if (!NAME.test(name)) {
      const shown = showable(name) ? ` "\${${name}}"` : ' (the text given is not shown)';
      messages.push(`invalid reference${shown}: variable names are upper-case letters, digits and _ (like ${EXAMPLE})`);
    }
  }
  return messages;
}

/**
 * `write ${NAME}` for a variable written the way a shell, a Makefile or Windows would (`$ZPI_ZSC_KEY`,
 * `$(ZPI_ZSC_KEY)`, `%ZPI_ZSC_KEY%`): what the user meant is plain, but only `${NAME}` is substituted.
 * Undefined for anything else, and for a "name" that may be a pasted key (long, or mostly digits).
 */
function variableMeant(v: string): string | undefined {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(v) ?? /^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(v) ?? /^%([A-Za-z_][A-Za-z0-9_]*)%$/.exec(v);
  const name = m?.[1];
  if (name === undefined || !showable(name)) return undefined;
  const upper = name.toUpperCase();
  return `write \${${upper}}${upper === name ? '' : ' (zpi reads only upper-case variable names)'}`;
}

/** For a malformed reference in zscKey, where a pasted key is likeliest: one line that repeats nothing of it. */
const ZSC_KEY_NOT_A_REF = 'zscKey must be a ${NAME} reference to an environment variable; the value given is not shown';

/**
 * Checks every string in the manifest for `${…}`: a malformed reference anywhere is an error, a
 * well-formed one outside zscKey is too (it would be sent to Zoho literally), and zscKey must be
 * exactly one reference, because a literal key in the file is a committed secret.
 */
export function envRefProblems(root: unknown, index: NodeIndex): LocatedMessage[] {
  const out: LocatedMessage[] = [];
  const visit = (v: unknown, ptr: string): void => {
    if (typeof v === 'string') {
      // Most strings hold no `$` at all: nothing to check, no position to look up.
      if (ptr !== ZSC_KEY_POINTER && !v.includes('$')) return;
      const pos = index.get(ptr)?.pos ?? { line: 1, col: 1 };
      const bad = syntaxProblems(v);
      if (ptr === ZSC_KEY_POINTER) {
        // `${<pasted key>}`: the key may be where the name goes; say so without a word of it. Only
        // the empty `${}` has nothing to hide.
        if (bad.length > 0) out.push({ pos, message: bad.every((m) => m === EMPTY_REF) ? EMPTY_REF : ZSC_KEY_NOT_A_REF });
        const meant = bad.length === 0 ? variableMeant(v) : undefined;
        if (meant !== undefined) out.push({ pos, message: `zscKey "${v}" looks like a variable reference: ${meant}` });
        else if (bad.length === 0 && referenceName(v) === undefined) {
          out.push({ pos, message: `zscKey must be a reference like ${EXAMPLE}: never commit the key itself` });
        }
        return;
      }
      for (const message of bad) out.push({ pos, message });
      if (bad.length === 0 && v.includes('${')) {
        out.push({
          pos,
          message: `${labelOf(segmentsOf(ptr))} contains a \${…} reference: references are only allowed in portal.zscKey`,
        });
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, pointer(ptr, i)));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        // A reference in a key (a profile name) is as wrong as one in a value.
        const bad = k.includes('${') ? syntaxProblems(k) : [];
        const keyPos = k.includes('${') ? index.get(pointer(ptr, k))?.keyPos : undefined;
        if (keyPos && k.includes('${')) {
          const msgs = bad.length > 0 ? bad : [`key "${k}" contains a \${…} reference: references are only allowed in portal.zscKey`];
          for (const message of msgs) out.push({ pos: keyPos, message });
        }
        visit(item, pointer(ptr, k));
      }
    }
  };
  visit(root, '');
  return out;
}
