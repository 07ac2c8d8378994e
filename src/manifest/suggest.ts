/** Edit distance counting a swap of two neighbours as one edit ("usres" → "users"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate when it is plausibly a typo of `input` (case slips count as close). */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  if (lower.length > 64) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(lower.length / 3)));
  if (best !== undefined && best !== input && bestD <= limit) return best;
  // Abbreviations ("perms" for permissions): a shared 4-letter start, when only one candidate has it.
  const prefixed = lower.length >= 4 ? candidates.filter((c) => c.toLowerCase().startsWith(lower.slice(0, 4))) : [];
  return prefixed.length === 1 && prefixed[0] !== input ? prefixed[0] : undefined;
}

/** `; did you mean "users"?` or the empty string. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const c = closest(input, candidates);
  return c === undefined ? '' : `; did you mean "${c}"?`;
}
