/**
 * The sandbox: a local emulator of Zoho's CRM, accounts and Projects APIs as zpi uses them (WIRE.md),
 * persisted to a JSON file. It never imports the client: the two meet only on the wire.
 */
export { startSandbox } from './server.js';
export type { SandboxHandle, SandboxOptions, SandboxStats } from './server.js';
export { runSandboxCli } from './run-sandbox-cli.js';
export type { RunSandboxCliOptions } from './run-sandbox-cli.js';
export { SandboxStateError, DEFAULT_SEED_PATH } from './state-store.js';
export { SandboxOptionError } from './options-error.js';
export { SandboxInUseError } from './state-lock.js';
export { parseFaults, describeFaults, FaultInjector } from './faults.js';
export type { FaultSpec, FaultDecision, FaultKind } from './faults.js';
export { parseLimits, describeLimits } from './limits.js';
export type { LimitSpec } from './limits.js';
export type {
  SandboxState,
  SandboxOrg,
  SandboxCredential,
  SandboxProfile,
  SandboxUser,
  SandboxPortal,
  SandboxIntegration,
  SandboxLinks,
} from './state-types.js';
