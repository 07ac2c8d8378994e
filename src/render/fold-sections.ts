/** A list that may be shown in part: its items, and the line that stands for the hidden rest. */
export interface Foldable {
  items: string[];
  more: (hidden: number) => string;
}

function sizeOf(items: readonly string[]): number {
  return items.reduce((n, s) => n + s.length + 1, 0);
}

/**
 * How many items of each section fit in `budget` characters when all share it fairly: the largest
 * sections are cut first, down to a common cap (water-filling), so no section vanishes because
 * another is huge.
 */
export function fitSections(sections: readonly Foldable[], budget: number): number[] {
  const sizes = sections.map((s) => sizeOf(s.items));
  if (sizes.reduce((a, b) => a + b, 0) <= budget) return sections.map((s) => s.items.length);
  const total = (cap: number): number => sizes.reduce((n, size) => n + Math.min(size, cap), 0);
  let lo = 0;
  let hi = Math.max(0, ...sizes);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return sections.map((s) => {
    let used = 0;
    let n = 0;
    for (const item of s.items) {
      if (used + item.length + 1 > lo) break;
      used += item.length + 1;
      n++;
    }
    return n;
  });
}

/** The first `shown` items and, when some are hidden, the "… N more" line. */
export function shownItems(section: Foldable, shown: number): string[] {
  const hidden = section.items.length - shown;
  return hidden > 0 ? [...section.items.slice(0, shown), section.more(hidden)] : section.items;
}
