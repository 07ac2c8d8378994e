import type { Io } from './io.js';

/**
 * A one-line progress bar on stderr, drawn only on a terminal: CI logs get nothing, so they stay
 * readable. Small reads (one page) never draw.
 */
export function progressBar(io: Io, label: string): { update: (done: number, total: number) => void; done: () => void } {
  let drawn = false;
  return {
    update(done, total) {
      if (!io.stderrTTY || total <= 1) return;
      const width = 24;
      const filled = Math.round((done / total) * width);
      io.err(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} pages`);
      drawn = true;
    },
    done() {
      if (drawn) io.err('\r\x1b[K');
    },
  };
}
