import { labelOf, segmentsOf } from './describe.js';
import { pointer, type LocatedMessage, type NodeIndex } from './yaml-to-js.js';

/** Environment variable names zpi accepts in `${NAME}`: the POSIX portable upper-case form. */
const NAME = /^[A-Z_][A-Z0-9_]*$/;
const WHOLE_REF = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
/** The only place a reference may stand: everything else is compared literally with Zoho. */
export const ZSC_KEY_POINTER = '/portal/zscKey';

const EXAMPLE = '${ZPI_ZSC_KEY}';

/** `FOO` for `${FOO}`, else undefined. */
export function referenceName(value: string): string | undefined {
  return WHOLE_REF.exec(value)?.[1];
}

/** Syntax problems of the `${…}` references in one string; empty when all are well formed. */
function syntaxProblems(s: string): string[] {
  const out: string[] = [];
  for (let i = s.indexOf('${'); i !== -1; i = s.indexOf('${', i + 2)) {
    const close = s.indexOf('}', i + 2);
    if (close === -1) {
      out.push(`unclosed reference "${s.slice(i, i + 40)}": add the closing } (like ${EXAMPLE})`);
      break;
    }
    const name = s.slice(i + 2, close);
    if (name === '') out.push(`empty reference "\${}": name an environment variable, like ${EXAMPLE}`);
    else if (!NAME.test(name)) {
      out.push(
        `invalid reference "\${${name}}": variable names are upper-case letters, digits and _ (like ${EXAMPLE})`,
      );
    }
  }
  return out;
}

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
      for (const message of bad) out.push({ pos, message });
      if (ptr === ZSC_KEY_POINTER) {
        if (bad.length === 0 && referenceName(v) === undefined) {
          out.push({ pos, message: `zscKey must be a reference like ${EXAMPLE}: never commit the key itself` });
        }
      } else if (bad.length === 0 && v.includes('${')) {
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
