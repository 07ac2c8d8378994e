import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lock, precisely enough to tell on Linux whether that process still runs: a pid alone
 * is not (a pid is reused, a zombie keeps its pid, another container or boot has its own pids).
 */
export interface ProcessIdentity {
  /** /proc/sys/kernel/random/boot_id: new at every boot (a restarted VM or machine). */
  bootId: string;
  /** readlink /proc/self/ns/pid, e.g. `pid:[4026531836]`: pids are comparable only within one namespace. */
  pidNamespace: string;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): a recycled pid has another start time. */
  startTime: string;
}

export interface ProcStat {
  /** Field 3: R, S, D, T, Z (zombie), X (dead)… */
  state: string;
  /** Field 22. */
  startTime: string;
}

/**
 * Parses /proc/<pid>/stat. Field 2 (comm, in parens) may itself hold spaces and parens, so the
 * fields after it are split from the LAST ')'.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // rest[0] is field 3, so field n is rest[n - 3].
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0];
  const startTime = rest[19];
  if (!state || !startTime || !/^\d+$/.test(startTime)) return undefined;
  return { state, startTime };
}

/** /proc/<pid>/stat, or undefined when there is no such process (or /proc cannot be read). */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * This process's identity, or undefined without a /proc that shows this process's own pid namespace
 * (macOS, Windows, a /proc mounted from another namespace).
 */
export function currentIdentity(): ProcessIdentity | undefined {
  try {
    if (readlinkSync('/proc/self') !== String(process.pid)) return undefined;
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = readlinkSync('/proc/self/ns/pid');
    const startTime = readProcStat(process.pid)?.startTime;
    return bootId && pidNamespace && startTime ? { bootId, pidNamespace, startTime } : undefined;
  } catch {
    return undefined;
  }
}

export interface Holder {
  pid: number;
  hostname: string;
  identity?: ProcessIdentity | null;
}

/**
 * True only when the holder certainly no longer runs, as seen from here:
 * - both on one boot and in one pid namespace (pids comparable): its pid is gone, a zombie, or now
 *   another process (other start time);
 * - no /proc here: same hostname, written without /proc either, and kill(pid, 0) says ESRCH.
 * Anything else (another machine, container or boot) is not known here: false, and the caller waits
 * for the lock's mtime to go stale.
 */
export function holderIsDead(holder: Holder, self: ProcessIdentity | undefined = currentIdentity()): boolean {
  const id = holder.identity;
  if (self) {
    if (!id || id.bootId !== self.bootId || id.pidNamespace !== self.pidNamespace) return false;
    const stat = readProcStat(holder.pid);
    // No /proc/<pid>: gone — unless kill says it exists (/proc mounted with hidepid hides other users').
    if (!stat) return !pidExists(holder.pid);
    return stat.state === 'Z' || stat.state === 'X' || stat.startTime !== id.startTime;
  }
  if (id || holder.hostname !== hostname()) return false;
  return !pidExists(holder.pid);
}

/** Whether a process with this pid runs, as far as kill(pid, 0) tells (a reused pid looks alive). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
