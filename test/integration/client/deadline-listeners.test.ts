/**
 * A read of many pages under one deadline leaves no listener behind on the deadline's signal: with
 * AbortSignal.any every page call added one, and Node printed "MaxListenersExceededWarning: Possible
 * EventTarget memory leak detected" in the middle of `zpi plan` on a 10,000-user org.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoProvider } from '../../../src/provider/index.js';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox/index.js';

const USERS = 3_000; // 15 pages of 200: more than Node's 10-listener warning threshold

describe('the read deadline', () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    const users = Array.from({ length: USERS }, (_, i) => ({
      id: String(1_000 + i),
      email: i === 0 ? 'admin@acme.com' : `u${i}@acme.com`,
      full_name: `U ${i}`,
      status: 'active',
      confirm: true,
      profile: i === 0 ? 'Administrator' : 'Standard',
      role: 'Rep',
    }));
    sb = await startSandbox({
      port: 0,
      seed: {
        org: { id: '60012345678', company_name: 'Acme', primary_email: 'admin@acme.com', type: 'production' },
        profiles: [{ id: '1', name: 'Administrator' }, { id: '2', name: 'Standard' }],
        users,
        portals: [{ id: '7001', name: 'p', owner_email: 'owner@acme.com', zsc_key: 'k' }],
        integration: { status: 'inactive', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} },
        links: { Accounts: 0, Contacts: 0, Deals: 0 },
      } as never,
    });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('reads every page with no listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const p = createZohoProvider({ endpoint: sb.url, credentials: { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' } });
      const live = await p.read();
      expect(live.users).toHaveLength(USERS);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
  });
});
