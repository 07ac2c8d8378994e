/**
 * `text` as one line: every run of white space (line breaks included) becomes one space, and the ends
 * are trimmed. With `max`, a longer line is cut to `max` characters, the last one an ellipsis.
 */
export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
