/** A list that may be shown in part: its items, and the line that stands for the hidden rest. */
export interface Foldable {
  items: string[];
  /** The line standing for the hidden items: how many, and their indices in `items`. */
  more: (hidden: number, hiddenIndices: readonly number[]) => string;
  /** Per item: shown even past the cut (a few weighty items, e.g. a profile's permissions). */
  keep?: readonly boolean[];
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

/**
 * The first `shown` items, those past them the section keeps, and, when some are hidden, the
 * "… N more" line last. Lists are ordered so that what matters most comes first (losses before
 * gains, DESIGN §4): cutting from the end folds the least important first.
 */
export function shownItems(section: Foldable, shown: number): string[] {
  if (shown >= section.items.length) return section.items;
  const out = section.items.slice(0, shown);
  const hidden: number[] = [];
  for (let i = shown; i < section.items.length; i++) {
    if (section.keep?.[i]) out.push(section.items[i] as string);
    else hidden.push(i);
  }
  if (hidden.length > 0) out.push(section.more(hidden.length, hidden));
  return out;
}

/** How many items of `section` shownItems(section, shown) leaves out. */
export function hiddenCount(section: Foldable, shown: number): number {
  let n = 0;
  for (let i = shown; i < section.items.length; i++) if (!section.keep?.[i]) n++;
  return n;
}
