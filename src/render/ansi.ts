export interface Palette {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  bold: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const same = (s: string): string => s;

/**
 * ANSI colours, or identity functions so plain output carries no escape code at all. Each colour is
 * closed by its own code, or with `resetAll` by a full reset (SGR 0), as apply's progress lines are.
 */
export function palette(color: boolean, opts: { resetAll?: boolean } = {}): Palette {
  if (!color) return { green: same, red: same, yellow: same, bold: same };
  const off = (close: number): number => (opts.resetAll ? 0 : close);
  return { green: wrap(32, off(39)), red: wrap(31, off(39)), yellow: wrap(33, off(39)), bold: wrap(1, off(22)) };
}
