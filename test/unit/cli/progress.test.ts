import { describe, expect, it } from 'vitest';
import { canDrawProgress, progressBar } from '../../../src/cli/progress.js';

/** The part of Io a progress bar sees, recording what it writes to stderr. */
function fakeIo(stderrTTY: boolean, env: Record<string, string> = {}) {
  const written: string[] = [];
  return { io: { stderrTTY, env, err: (t: string) => void written.push(t) }, written };
}

/** A clock the test moves by hand. */
function clock() {
  let now = 0;
  return { now: () => now, tick: (ms: number) => void (now += ms) };
}

describe('progressBar', () => {
  it('draws a bar of pages read so far on a terminal, then erases it', () => {
    const { io, written } = fakeIo(true);
    const c = clock();
    const bar = progressBar(io, 'reading users', { now: c.now });
    bar.update(200, 1000);
    c.tick(100);
    bar.update(600, 1000);
    c.tick(100);
    bar.update(1000, 1000);
    bar.done();
    expect(written).toEqual([
      '\rreading users [#####...................]  20% 200/1000 users\x1b[K',
      '\rreading users [##############..........]  60% 600/1000 users\x1b[K',
      '\rreading users [########################] 100% 1000/1000 users\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('writes nothing at all when stderr is not a terminal (pipes, CI logs)', () => {
    const { io, written } = fakeIo(false);
    const bar = progressBar(io, 'reading users');
    bar.update(200, 1000);
    bar.update(1000, 1000);
    bar.done();
    expect(written).toEqual([]);
  });

  it('stays quiet on a terminal under CI=true or TERM=dumb', () => {
    const envs: Array<Record<string, string>> = [{ CI: 'true' }, { CI: '1' }, { TERM: 'dumb' }];
    for (const env of envs) {
      const { io, written } = fakeIo(true, env);
      const bar = progressBar(io, 'reading users');
      bar.update(200, 1000);
      bar.done();
      expect(written, JSON.stringify(env)).toEqual([]);
    }
    expect(canDrawProgress({ stderrTTY: true, env: { CI: 'false' } })).toBe(true);
    expect(canDrawProgress({ stderrTTY: true, env: {} })).toBe(true);
  });

  it('never draws a read that was complete at its first page', () => {
    const { io, written } = fakeIo(true);
    const bar = progressBar(io, 'reading users');
    bar.update(26, 26);
    bar.done();
    expect(written).toEqual([]);
  });

  it('throttles redraws, but always draws the last one', () => {
    const { io, written } = fakeIo(true);
    const c = clock();
    const bar = progressBar(io, 'reading users', { now: c.now, minIntervalMs: 80 });
    for (let done = 200; done < 100_000; done += 200) {
      bar.update(done, 100_000);
      c.tick(1);
    }
    bar.update(100_000, 100_000);
    bar.done();
    // ~500 updates over ~500 ms: one draw per 80 ms, plus the final one and the erase.
    expect(written.length).toBeGreaterThanOrEqual(4);
    expect(written.length).toBeLessThanOrEqual(10);
    expect(written.at(-2)).toContain('100% 100000/100000 users');
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('shows a running count when the reader cannot tell the total', () => {
    const { io, written } = fakeIo(true);
    const c = clock();
    const bar = progressBar(io, 'reading users', { now: c.now });
    bar.update(200, 200);
    c.tick(100);
    bar.update(400, 400);
    bar.done();
    expect(written).toEqual(['\rreading users… 400 users\x1b[K', '\r\x1b[K']);
  });

  it('ignores updates after done and erases once', () => {
    const { io, written } = fakeIo(true);
    const bar = progressBar(io, 'reading users');
    bar.update(1, 3);
    bar.done();
    bar.update(2, 3);
    bar.done();
    expect(written.filter((w) => w === '\r\x1b[K')).toHaveLength(1);
    expect(written).toHaveLength(2);
  });
});
