import type { LinkCounts, Live } from '../model/live.js';

/**
 * Project links a portal change or deactivation drops, per module (DESIGN §3.4); undefined when
 * they were not counted (the caller reads them only when such a step is planned).
 */
export function computeBlastRadius(live: Live): LinkCounts | undefined {
  if (!live.links) return undefined;
  const { Accounts, Contacts, Deals } = live.links;
  return { Accounts, Contacts, Deals };
}
