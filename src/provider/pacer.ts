/**
 * At most `calls` calls in any sliding window of `windowMs`. A call counts from the moment it starts
 * until `windowMs` after it ends: the server counts it when it arrives, somewhere in between, so the
 * client's count is never below the server's however slow the network or the server is.
 */
export interface CallBudget {
  calls: number;
  windowMs: number;
}

export interface PacerOptions {
  /** Calls in flight at once, all hosts together (CRM counts concurrent calls per org). Default 5. */
  concurrency?: number;
  /** Per-host-kind budgets, e.g. { projects: { calls: 90, windowMs: 120_000 } }. */
  budgets?: Readonly<Record<string, CallBudget | undefined>>;
  /** Clock; tests may pin it. */
  now?: () => number;
}

export interface PacerStats {
  inFlight: number;
  maxInFlight: number;
  started: number;
  /** Calls that had to wait for a slot or budget before starting. */
  waited: number;
}

/**
 * CRM's lowest edition allows 5 concurrent calls; Zoho Projects allows about 100 calls per 2 minutes
 * and locks a client out for 30 minutes past that (WIRE.md A). 90 leaves room for the clock skew
 * between when we start a call and when Zoho counts it.
 */
export const DEFAULT_CONCURRENCY = 5;
export const DEFAULT_PROJECTS_BUDGET: Readonly<CallBudget> = Object.freeze({ calls: 90, windowMs: 120_000 });

interface Waiter {
  host: string;
  start: () => void;
}

/** A budgeted host's calls: how many are in flight, and when the finished ones ended (ascending). */
interface HostWindow {
  active: number;
  ends: number[];
}

/**
 * Client-side pacing shared by every call of one client: a call waits for a free slot and for its
 * host's budget instead of failing, so zpi never earns a 429 by its own pace. Waiters start in FIFO
 * order per host; a call to a host with budget left may overtake one stalled on another host's budget.
 */
export class Pacer {
  readonly #concurrency: number;
  readonly #budgets: Readonly<Record<string, CallBudget | undefined>>;
  readonly #now: () => number;
  readonly #windows = new Map<string, HostWindow>();
  readonly #queue: Waiter[] = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  readonly #stats = { maxInFlight: 0, started: 0, waited: 0 };

  constructor(opts: PacerOptions = {}) {
    this.#concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
    this.#budgets = opts.budgets ?? { projects: DEFAULT_PROJECTS_BUDGET };
    for (const [host, b] of Object.entries(this.#budgets)) {
      if (b && !(b.calls >= 1 && b.windowMs > 0)) throw new RangeError(`invalid call budget for ${host}`);
    }
    this.#now = opts.now ?? Date.now;
  }

  /** Runs fn once a slot and the host's budget allow; the slot is held until fn settles. */
  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(host);
    try {
      return await fn();
    } finally {
      this.#inFlight--;
      this.#ended(host);
      this.#pump();
    }
  }

  stats(): PacerStats {
    return { inFlight: this.#inFlight, ...this.#stats };
  }

  #acquire(host: string): Promise<void> {
    if (this.#queue.length === 0 && this.#tryStart(host, this.#now())) return Promise.resolve();
    this.#stats.waited++;
    return new Promise<void>((resolve) => {
      this.#queue.push({ host, start: resolve });
      this.#pump();
    });
  }

  /** Starts the call if a slot and budget are free at `now`; records it against the budget. */
  #tryStart(host: string, now: number): boolean {
    if (this.#inFlight >= this.#concurrency) return false;
    if (this.#budgetWait(host, now) > 0) return false;
    this.#inFlight++;
    this.#stats.started++;
    this.#stats.maxInFlight = Math.max(this.#stats.maxInFlight, this.#inFlight);
    const w = this.#window(host);
    if (w) w.active++;
    return true;
  }

  #window(host: string): HostWindow | undefined {
    if (!this.#budgets[host]) return undefined;
    let w = this.#windows.get(host);
    if (!w) this.#windows.set(host, (w = { active: 0, ends: [] }));
    return w;
  }

  /** A budgeted call ended: it leaves the window `windowMs` from now. */
  #ended(host: string): void {
    const w = this.#window(host);
    if (!w) return;
    w.active--;
    const now = this.#now();
    // Kept sorted even if the clock steps back, so the oldest end is always first.
    let i = w.ends.length;
    while (i > 0 && (w.ends[i - 1] as number) > now) i--;
    w.ends.splice(i, 0, now);
  }

  /**
   * ms from `now` until the host's budget has room (0 = now; Infinity = only a call in flight ending
   * can make room, and its end pumps the queue). Drops calls that left the window.
   */
  #budgetWait(host: string, now: number): number {
    const budget = this.#budgets[host];
    const w = this.#window(host);
    if (!budget || !w) return 0;
    let gone = 0;
    while (gone < w.ends.length && (w.ends[gone] as number) <= now - budget.windowMs) gone++;
    if (gone > 0) w.ends.splice(0, gone);
    const counted = w.active + w.ends.length;
    if (counted < budget.calls) return 0;
    // Room for one more once `excess` calls have left the window, oldest end first.
    const excess = counted - budget.calls + 1;
    if (excess > w.ends.length) return Infinity;
    return Math.max(1, (w.ends[excess - 1] as number) + budget.windowMs - now);
  }

  /**
   * Starts what can start and arms one wake-up for the earliest budget expiry. Every decision of a
   * pump uses ONE clock reading: reading it again to size the wake-up could find the budget free
   * (0 ms to wait) although the start was just refused, arm nothing, and leave the queue asleep for
   * good — queued calls never ran and the process exited 0 with nothing done.
   */
  #pump(): void {
    const now = this.#now();
    const blockedHosts = new Set<string>();
    let wakeIn = Infinity;
    for (let i = 0; i < this.#queue.length && this.#inFlight < this.#concurrency; ) {
      const w = this.#queue[i] as Waiter;
      // FIFO per host: once a host's head waits on its budget, the rest of that host waits too.
      if (!blockedHosts.has(w.host) && this.#tryStart(w.host, now)) {
        this.#queue.splice(i, 1);
        w.start();
        continue;
      }
      if (!blockedHosts.has(w.host)) {
        blockedHosts.add(w.host);
        wakeIn = Math.min(wakeIn, this.#budgetWait(w.host, now));
      }
      i++;
    }
    if (wakeIn !== Infinity) this.#wakeAfter(Math.max(1, wakeIn), now);
    else if (this.#queue.length === 0 && this.#timer) {
      // Nobody waits any more: a pending wake-up would only keep the process alive.
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Infinity;
    }
  }

  /** One timer for the earliest budget expiry; slot releases pump on their own. */
  #wakeAfter(ms: number, now: number): void {
    const at = now + ms;
    if (this.#timer && this.#timerAt <= at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#pump();
    }, ms);
  }
}
