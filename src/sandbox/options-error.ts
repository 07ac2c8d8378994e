import { UserError } from '../model/errors.js';

/** A malformed --faults or --limits spec (or ZPI_SANDBOX_FAULTS / ZPI_SANDBOX_LIMITS), or a bad sandbox option. */
export class SandboxOptionError extends UserError {
  override name = 'SandboxOptionError';
}
