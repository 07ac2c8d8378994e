export interface Palette {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  bold: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const same = (s: string): string => s;

/** ANSI colours, or identity functions so plain output carries no escape code at all. */
export function palette(color: boolean): Palette {
  if (!color) return { green: same, red: same, yellow: same, bold: same };
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), bold: wrap(1, 22) };
}
