/**
 * Work counted rather than timed: runs fn (synchronous) while Array.prototype.concat and slice count
 * the elements each call copies into its result. A list grown by copying itself each time (the
 * quadratic pattern: `errors = errors.concat(more)`) copies n²/2 elements for n; one built by push, n.
 * Deterministic: the same input gives the same count on any machine, however busy.
 */
export function arrayCopies<T>(fn: () => T): { result: T; copies: number; calls: number } {
  const proto = Array.prototype as unknown as Record<'concat' | 'slice', (...a: unknown[]) => unknown[]>;
  const { concat, slice } = proto;
  let copies = 0;
  let calls = 0;
  proto.concat = function (this: unknown[], ...args: unknown[]) {
    const out = concat.apply(this, args);
    calls++;
    copies += out.length;
    return out;
  };
  proto.slice = function (this: unknown[], ...args: unknown[]) {
    const out = slice.apply(this, args);
    calls++;
    copies += out.length;
    return out;
  };
  try {
    return { result: fn(), copies, calls };
  } finally {
    proto.concat = concat;
    proto.slice = slice;
  }
}
