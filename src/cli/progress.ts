import type { Io } from './io.js';

export interface ProgressBar {
  /** `done` of `total` items read so far (users; the provider reports after each page). */
  update: (done: number, total: number) => void;
  /** Erases the bar, if one was drawn. Safe to call more than once. */
  done: () => void;
}

export interface ProgressOptions {
  /** What is counted, after the numbers: "users". */
  unit?: string;
  /** Redraw at most this often; the last update (done = total) always draws. Default 80 ms. */
  minIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** True when a bar may be drawn: stderr is a terminal that understands `\r` and no CI runner is watching. */
export function canDrawProgress(io: Pick<Io, 'stderrTTY' | 'env'>): boolean {
  if (!io.stderrTTY) return false;
  if (io.env.TERM === 'dumb') return false;
  // Some CI runners give jobs a pseudo-terminal; their logs would fill with redraws.
  const ci = io.env.CI;
  return ci === undefined || ci === '' || ci === 'false' || ci === '0';
}

const WIDTH = 24;

/**
 * A one-line progress bar on stderr (`reading users [#####...] 400/1000 users`), drawn only on a
 * terminal: CI logs and pipes get nothing, so they stay readable. A read that is already complete at
 * its first report (one page) never draws, and redraws are throttled so a fast read costs nothing.
 */
export function progressBar(io: Pick<Io, 'err' | 'stderrTTY' | 'env'>, label: string, opts: ProgressOptions = {}): ProgressBar {
  const enabled = canDrawProgress(io);
  const unit = opts.unit ?? 'users';
  const interval = opts.minIntervalMs ?? 80;
  const now = opts.now ?? (() => performance.now());
  let first = true;
  let knownTotal = false;
  let drawn = false;
  let finished = false;
  let lastDraw = -Infinity;
  return {
    update(done, total) {
      if (!enabled || finished) return;
      const complete = done >= total;
      if (first) {
        first = false;
        if (complete) return; // everything arrived in one page: nothing worth drawing
      }
      // A reader that cannot tell the total reports done = total each time: show a count, not a bar.
      if (!complete) knownTotal = true;
      const t = now();
      if (!(complete && knownTotal) && t - lastDraw < interval) return;
      lastDraw = t;
      if (knownTotal) {
        const ratio = total > 0 ? Math.min(1, done / total) : 1;
        const filled = Math.round(ratio * WIDTH);
        const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
        io.err(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${pct} ${done}/${total} ${unit}\x1b[K`);
      } else {
        io.err(`\r${label}… ${done} ${unit}\x1b[K`);
      }
      drawn = true;
    },
    done() {
      if (finished) return;
      finished = true;
      if (drawn) io.err('\r\x1b[K');
    },
  };
}
