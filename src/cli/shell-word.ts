import { escapeControls } from '../model/errors.js';

/**
 * `text` as one word of a POSIX shell command line printed for people to run: as it is when that is
 * safe, else single-quoted; control characters escaped (it is printed to a terminal).
 */
export function shellWord(text: string): string {
  const t = escapeControls(text);
  return /^[\w@%+=:,./-]+$/.test(t) ? t : `'${t.replace(/'/g, `'\\''`)}'`;
}
