import type { Plan } from '../model/plan.js';

/**
 * The mass-change brake (DESIGN §4): revoking more than `maxPct` % of the users who have access
 * makes every revoke destructive, so a truncated users list cannot silently lock out the org.
 */
export function computeBrake(revoking: number, withAccess: number, maxPct: number): Plan['brake'] {
  if (revoking === 0 || withAccess === 0) return null;
  const pct = (revoking * 100) / withAccess;
  if (pct <= maxPct) return null;
  return { revoking, withAccess, pct: Math.round(pct * 10) / 10, maxPct };
}
