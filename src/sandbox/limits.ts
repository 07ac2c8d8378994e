import { parseDuration } from '../model/duration.js';
import { SandboxOptionError } from './options-error.js';
import { specEntries } from './spec-entries.js';

export interface LimitSpec {
  /** CRM's concurrency limit per edition (Free 5 … Ultimate 25): a request beyond it answers 429. */
  concurrency?: number;
  /** Zoho Projects' rate limit: at most `max` calls to /restapi/ in any `windowMs`. */
  projects?: { max: number; windowMs: number };
}

// Bounds that keep a typo from meaning something absurd: Zoho's highest edition allows 25 concurrent
// calls and 100 Projects calls per 2 minutes; beyond these a "limit" no longer limits anything.
const MAX_CONCURRENCY = 1000;
const MAX_PROJECTS_CALLS = 100_000;
const MAX_WINDOW_MS = 24 * 3600_000;

/** 'concurrency=5,projects=100/120s'. */
export function parseLimits(spec: string | undefined): LimitSpec {
  const out: LimitSpec = {};
  for (const [key, value] of specEntries(spec ?? '', 'limits')) {
    if (key === 'concurrency') {
      if (!/^[1-9]\d{0,3}$/.test(value) || Number(value) > MAX_CONCURRENCY) {
        throw new SandboxOptionError(`limits "${spec}": concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${value}"`);
      }
      out.concurrency = Number(value);
    } else if (key === 'projects') {
      const m = /^([1-9]\d{0,5})\/(.+)$/.exec(value);
      const windowMs = m ? parseDuration(m[2]!) : undefined;
      if (!m || !windowMs || Number(m[1]) > MAX_PROJECTS_CALLS || windowMs > MAX_WINDOW_MS) {
        throw new SandboxOptionError(
          `limits "${spec}": projects must look like 100/120s (1 to ${MAX_PROJECTS_CALLS} calls per window of more than 0 s and at most 24 h), got "${value}"`,
        );
      }
      out.projects = { max: Number(m[1]), windowMs };
    } else {
      throw new SandboxOptionError(`limits "${spec}": unknown key "${key}" (expected concurrency, projects)`);
    }
  }
  return out;
}

export function describeLimits(l: LimitSpec): string {
  const parts = [];
  if (l.concurrency !== undefined) parts.push(`concurrency=${l.concurrency}`);
  if (l.projects) parts.push(`projects=${l.projects.max}/${l.projects.windowMs / 1000}s`);
  return parts.length > 0 ? parts.join(',') : 'none';
}

/** Admission control: each check returns why a request is turned away, or admits it. */
export class Limiter {
  private admitted = 0;
  private readonly projectCalls: number[] = [];

  constructor(readonly spec: LimitSpec) {}

  /** Once per API request; on admission, call `release` when the request ends (idempotent). */
  enter(): { release: () => void } | string {
    const max = this.spec.concurrency;
    if (max !== undefined && this.admitted >= max) return `concurrency limit: at most ${max} requests at a time`;
    this.admitted++;
    let released = false;
    return {
      release: () => {
        if (!released) this.admitted--;
        released = true;
      },
    };
  }

  /** A sliding window counting admitted calls only. Real Zoho would also lock the client out for 30 min. */
  enterProjects(now = Date.now()): string | undefined {
    const p = this.spec.projects;
    if (!p) return undefined;
    while (this.projectCalls.length > 0 && this.projectCalls[0]! <= now - p.windowMs) this.projectCalls.shift();
    if (this.projectCalls.length >= p.max) {
      return `Zoho Projects rate limit: at most ${p.max} calls per ${p.windowMs / 1000} s (real Zoho locks the client out for 30 minutes)`;
    }
    this.projectCalls.push(now);
    return undefined;
  }
}
