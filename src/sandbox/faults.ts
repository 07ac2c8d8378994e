import { parseDuration } from '../model/duration.js';
import { SandboxOptionError } from './options-error.js';
import { specEntries } from './spec-entries.js';

export interface FaultSpec {
  /** Share of requests answered 429 (half of them with Retry-After: 1), 500 or 503. */
  rate: number;
  /** Share of requests whose connection is destroyed without an answer. */
  reset: number;
  /** Added before every answer. */
  latencyMs: number;
  seed: number;
}

export const NO_FAULTS: FaultSpec = { rate: 0, reset: 0, latencyMs: 0, seed: 1 };

// A longer delay outlasts every client's timeout (and setTimeout turns > 2^31 ms into 1 ms).
const MAX_LATENCY_MS = 60_000;
// mulberry32 keeps 32 bits of the seed: larger ones would silently repeat smaller ones' sequences.
const MAX_SEED = 2 ** 32 - 1;

/** 'rate=0.2,latency=50ms,reset=0.05,seed=7'. Without a seed, seed=1: every run is reproducible. */
export function parseFaults(spec: string | undefined): FaultSpec {
  const out = { ...NO_FAULTS };
  for (const [key, value] of specEntries(spec ?? '', 'faults')) {
    const bad = (expected: string) => new SandboxOptionError(`faults "${spec}": ${key} must be ${expected}, got "${value}"`);
    if (key === 'rate' || key === 'reset') {
      // Plain decimals only: Number() would also take 0x1, 1e-1 or whitespace.
      const n = Number(value);
      if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value) || !(n >= 0 && n <= 1)) throw bad('a number from 0 to 1');
      out[key] = n;
    } else if (key === 'latency') {
      const ms = parseDuration(value);
      if (ms === undefined || ms > MAX_LATENCY_MS) throw bad(`a duration such as 50ms or 1s, at most ${MAX_LATENCY_MS / 1000}s`);
      out.latencyMs = ms;
    } else if (key === 'seed') {
      if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_SEED) throw bad(`a whole number from 0 to ${MAX_SEED}`);
      out.seed = Number(value);
    } else {
      throw new SandboxOptionError(`faults "${spec}": unknown key "${key}" (expected rate, reset, latency, seed)`);
    }
  }
  if (out.rate + out.reset > 1) throw new SandboxOptionError(`faults "${spec}": rate + reset must not exceed 1`);
  return out;
}

export function describeFaults(f: FaultSpec): string {
  if (f.rate === 0 && f.reset === 0 && f.latencyMs === 0) return 'none';
  return `rate=${f.rate},reset=${f.reset},latency=${f.latencyMs}ms,seed=${f.seed}`;
}

/** mulberry32: a tiny seeded PRNG, so a fault sequence can be replayed exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind = 'none' | 'reset' | '429-retry-after' | '429' | '500' | '503';

export interface FaultDecision {
  kind: FaultKind;
  /**
   * For a write: whether the fault strikes after the write was applied and persisted. Only a reset
   * or a 500 may (the client sees a failure although the write happened); a 429 or 503 means the
   * request was turned away, so those always strike before.
   */
  afterWrite: boolean;
}

/**
 * Decides each request's fault in arrival order. Every request draws the same three numbers whether
 * or not it is faulted, so the sequence depends only on the seed and the number of requests.
 */
export class FaultInjector {
  private readonly next01: () => number;

  constructor(readonly spec: FaultSpec) {
    this.next01 = mulberry32(spec.seed);
  }

  get active(): boolean {
    return this.spec.rate > 0 || this.spec.reset > 0;
  }

  next(): FaultDecision {
    if (!this.active) return { kind: 'none', afterWrite: false };
    const [u, v, w] = [this.next01(), this.next01(), this.next01()];
    const { rate, reset } = this.spec;
    let kind: FaultKind = 'none';
    if (u < reset) kind = 'reset';
    else if (u < reset + rate) kind = v < 0.25 ? '429-retry-after' : v < 0.5 ? '429' : v < 0.75 ? '500' : '503';
    return { kind, afterWrite: (kind === 'reset' || kind === '500') && w < 0.5 };
  }
}
