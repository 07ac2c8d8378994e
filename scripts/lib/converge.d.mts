// Types for converge.mjs (plain ESM, shared by the property tests, the crash test and the soak).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Permission } from '../../src/model/permissions.js';
import type { SandboxState } from '../../src/sandbox/index.js';

export interface ScenarioSpec {
  state: 'active' | 'deactivated';
  portal: string;
  byId: boolean;
  profiles: Record<string, Permission[]>;
  users: { email: string; permissions?: Permission[] }[];
}

export interface ConvergeResult {
  converged: boolean;
  /** Step ids a fault-free plan still has after the faulted rounds; [] when converged. */
  finalSteps: string[];
  rounds: { steps?: number; ok?: boolean; done?: number; retries?: number; failed?: string; error?: string }[];
  requests: number;
  /** Sandbox answers that were not 2xx (injected faults, and 4xx from retried writes). */
  faulted: number;
  ms: number;
  manifest: string;
  /** The sandbox state after the faulted rounds. */
  finalState: SandboxState;
}

export const SEED_PATH: URL;
export const PERMISSION_SETS: Permission[][];
export const SANDBOX_CREDENTIALS: { clientId: string; clientSecret: string; refreshToken: string };
export const FAST_RETRY: { retries: number; minTimeoutMs: number; maxTimeoutMs: number; factor: number; randomize: boolean; maxRetryAfterMs: number };
export function seedState(opts?: { extraUsers?: number }): SandboxState;
export function eligibleEmails(state: SandboxState): string[];
export function randomSpec(rng: () => number, state: SandboxState, opts?: { bias?: 'mixed' | 'many' }): ScenarioSpec;
export function manifestText(spec: ScenarioSpec, state: SandboxState): string;
export function zscKeyFor(spec: ScenarioSpec, state: SandboxState): string;
export function convergeUnderFaults(
  mods: { startSandbox: any; createZohoProvider: any; parseManifest: any; plan: any; executePlan: any },
  opts: { seed: SandboxState; spec: ScenarioSpec; faults: string; maxRounds?: number; retry?: object; writeRetries?: number; concurrency?: number },
): Promise<ConvergeResult>;
