import { MAX_MANIFEST_BYTES, TOO_LARGE } from './limits.js';

/** The manifest as text, or why it is not text zpi will read. */
export type Decoded = { text: string; bytes: Uint8Array } | { error: string };

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks size and encoding before YAML sees the input: the yaml parser would happily read a
 * binary or a 2 GB log and report something baffling at line 40,000.
 */
export function decodeSource(source: string | Uint8Array): Decoded {
  const bytes = typeof source === 'string' ? utf8.encode(source) : source;
  if (bytes.byteLength > MAX_MANIFEST_BYTES) return { error: TOO_LARGE(bytes.byteLength) };
  if (bytes.includes(0)) return { error: 'file is binary (it contains NUL bytes): expected a YAML manifest' };
  let text: string;
  try {
    // fatal: invalid UTF-8 must be an error, not silently become U+FFFD in a user's email.
    text = typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: 'file is not valid UTF-8 text: expected a YAML manifest' };
  }
  // A lone surrogate in a JS string has no UTF-8 form; encode() replaced it, so say so now.
  if (typeof source === 'string' && LONE_SURROGATE.test(source)) {
    return { error: 'file is not valid UTF-8 text: expected a YAML manifest' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, bytes };
}
