import { UserError } from '../model/errors.js';

/**
 * The clock of a run: the real one, or ZPI_NOW (an ISO 8601 time) when set — for reproducible
 * records and expiry dates in scripts and tests.
 */
export function clockFrom(env: Record<string, string | undefined>): () => Date {
  if (!env.ZPI_NOW) return () => new Date();
  const fixed = new Date(env.ZPI_NOW);
  if (Number.isNaN(fixed.getTime())) throw new UserError('ZPI_NOW must be an ISO 8601 time such as 2027-01-31T09:00:00Z');
  return () => new Date(fixed.getTime());
}
