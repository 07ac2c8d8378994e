import { MAX_MANIFEST_BYTES, TOO_LARGE } from './limits.js';

/** The manifest as text, or why it is not text zpi will read. */
export type Decoded = { text: string; bytes: Uint8Array } | { error: string };

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_UTF8 = 'file is not valid UTF-8 text: expected a YAML manifest';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** The encoding a byte-order mark announces (UTF-32's marks first: UTF-32LE's starts like UTF-16LE's). */
function bomEncoding(b: Uint8Array): Encoding | undefined {
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * UTF-16 saved without a mark (some Windows editors): ASCII text then has a NUL in every other byte.
 * Looked for in the first bytes only; a binary file has NULs too, but not so regularly.
 */
function unmarkedUtf16(b: Uint8Array): 'LE' | 'BE' | undefined {
  const n = Math.min(b.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul === pairs && evenNul === 0) return 'LE';
  if (evenNul === pairs && oddNul === 0) return 'BE';
  return undefined;
}

/**
 * Checks size and encoding before YAML sees the input: the yaml parser would happily read a
 * binary or a 2 GB log and report something baffling at line 40,000. UTF-8 is the manifest's
 * encoding; UTF-16 with a byte-order mark (Windows editors, PowerShell's `>`) is decoded too, as
 * YAML 1.2 allows; UTF-32 and unmarked UTF-16 are named, not called binary.
 */
export function decodeSource(source: string | Uint8Array): Decoded {
  const bytes = typeof source === 'string' ? utf8.encode(source) : source;
  if (bytes.byteLength > MAX_MANIFEST_BYTES) return { error: TOO_LARGE(bytes.byteLength) };
  const encoding = typeof source === 'string' ? 'utf-8' : (bomEncoding(bytes) ?? 'utf-8');
  if (encoding === 'utf-32le' || encoding === 'utf-32be') {
    return { error: `file is ${encoding.toUpperCase()} text: save it as UTF-8 (a YAML manifest)` };
  }
  if (encoding === 'utf-8' && bytes.includes(0)) {
    const utf16 = unmarkedUtf16(bytes);
    if (utf16) return { error: `file looks like UTF-16${utf16} text without a byte-order mark: save it as UTF-8 (a YAML manifest)` };
    return { error: 'file is binary (it contains NUL bytes): expected a YAML manifest' };
  }
  let text: string;
  try {
    // fatal: invalid text must be an error, not silently become U+FFFD in a user's email.
    text = typeof source === 'string' ? source : new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return { error: encoding === 'utf-8' ? NOT_UTF8 : `file is not valid ${encoding.toUpperCase()} text (it starts with a UTF-16 byte-order mark): save it as UTF-8` };
  }
  // A lone surrogate in a JS string has no UTF-8 form; encode() replaced it, so say so now.
  if (typeof source === 'string' && LONE_SURROGATE.test(source)) return { error: NOT_UTF8 };
  // TextDecoder drops the mark of the encoding it was given; a UTF-8 mark may remain (or a stray one).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Decoded UTF-16 may still hold U+0000, which the NUL check on the bytes could not tell from its zero bytes.
  if (text.includes('\u0000')) return { error: 'file is binary (it contains NUL characters): expected a YAML manifest' };
  return { text, bytes };
}
