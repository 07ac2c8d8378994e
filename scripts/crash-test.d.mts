// Types for crash-test.mjs (plain ESM on the built CLI), for test/e2e/crash.test.ts.
export interface CrashResult {
  seed: number;
  mode: 'apply-delay' | 'apply-line' | 'sandbox';
  ok: boolean;
  checks: {
    stateValidJson?: boolean;
    restart?: true | string;
    rerunExit?: number | null;
    planExit?: number | null;
    lockReleased?: boolean;
    stateValidJsonAtEnd?: boolean;
  };
  firstApply?: { code: number | null; signal: string | null; killed?: boolean; progressLines: number };
  afterMs?: number;
  afterShare?: number;
  killAfterMs?: number;
  /** Temp files of the sandbox's atomic writer found after it was killed: the kill landed mid-write. */
  strayTemps?: number;
  hammerWrites?: number;
  rerunOutput?: string;
  planOutput?: string;
  error?: string;
  dir?: string;
  ms: number;
}

export interface CrashSummary {
  results: CrashResult[];
  failures: CrashResult[];
  applyMs: number;
  ms: number;
  byMode: Partial<Record<CrashResult['mode'], number>>;
  killedMidRun: number;
  sandboxKilledMidWrite: number;
}

export interface CrashOptions {
  latencyMs?: number;
  extraUsers?: number;
  /** Share of seeds that kill the sandbox instead of apply (default 0.3). */
  sandboxShare?: number;
  /** Keep the temp dir of a failed seed for inspection. */
  keep?: boolean;
  /** How long an uninterrupted apply takes; measured with calibrate() when not given. */
  applyMs?: number;
}

export const DEFAULT_LATENCY_MS: number;
export function useCli(root: string): void;
export const DEFAULT_EXTRA_USERS: number;
export function crashSeed(seed: number, opts?: CrashOptions): Promise<CrashResult>;
export function calibrate(opts?: { latencyMs?: number; extraUsers?: number }): Promise<number>;
export function runCrashSeeds(seeds: number[], opts?: CrashOptions & { concurrency?: number; log?: (r: CrashResult) => void }): Promise<CrashSummary>;
export function describeResult(r: CrashResult): string;
export function startSandboxProcess(opts: { state: string; seed?: string; faults?: string; cwd?: string }): Promise<{
  url: string;
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
}>;
export function runZpi(
  args: string[],
  opts?: { cwd?: string; env?: Record<string, string | undefined>; killWhen?: { afterMs?: number; afterLine?: number; afterShare?: number } },
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; killed: boolean; progressLines: number }>;
