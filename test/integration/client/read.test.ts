import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/model/fingerprint.js';
import { ZohoClient } from '../../../src/provider/zoho-client.js';
import { resolveEndpoints } from '../../../src/provider/endpoints.js';
import { ADMIN_CREDS, FAST_RETRY, provider, sandbox, seed, VIEWER_CREDS } from './helpers.js';

describe('read() against the sandbox', () => {
  it('returns the Live model of the seed org in 7 calls', async () => {
    const sb = await sandbox();
    const p = provider(sb);
    const live = await p.read();
    const s = seed();
    expect(live.org).toEqual({ id: s.org.id, companyName: 'Acme Corp', primaryEmail: 'admin@acme.com', type: 'production' });
    expect(live.currentUser).toEqual({ id: '4876876000000200001', email: 'admin@acme.com', profile: 'Administrator', isAdmin: true });
    expect(live.users).toHaveLength(s.users.length);
    expect(live.users.map((u) => u.id).sort()).toEqual(s.users.map((u) => u.id).sort());
    expect(live.users.find((u) => u.email === 'grace@acme.com')).toEqual({
      id: '4876876000000200071',
      email: 'grace@acme.com',
      fullName: expect.any(String),
      status: 'active',
      confirmed: true,
      profile: { id: '4876876000000026014', name: 'Standard' },
      role: { id: expect.any(String), name: expect.any(String) },
    });
    // Statuses are kept as Zoho says them; unconfirmed users are marked.
    expect(live.users.find((u) => u.email === 'ursula@acme.com')?.status).toBe('disabled');
    expect(live.users.find((u) => u.email === 'dan@acme.com')?.status).toBe('deleted');
    expect(live.users.find((u) => u.email === 'uma@acme.com')?.confirmed).toBe(false);
    expect(live.profiles).toEqual(s.profiles.map((x) => ({ id: x.id, name: x.name })));
    expect(live.portals).toEqual([
      { id: '7001', name: 'acme-projects', ownerEmail: 'owner@acme.com' },
      { id: '7002', name: 'acme-newco', ownerEmail: 'newco-owner@acme.com' },
    ]);
    expect(live.integration).toEqual({
      status: 'active',
      portal: { id: '7001', name: 'acme-projects' },
      users: s.integration.users,
      profilePermissions: { Administrator: ['view', 'create', 'edit', 'delete'], Standard: ['view', 'create'], Manager: ['view', 'create', 'edit'] },
      userPermissions: { '4876876000000200071': ['view'] },
    });
    expect(live.links).toBeUndefined();
    // token + org + me + users + profiles + portals + integration
    expect(p.stats()).toEqual({ calls: 7, retries: 0, throttled: 0, byHost: { accounts: 1, api: 5, projects: 1 } });
  });

  it('reads the same state twice to the same fingerprint', async () => {
    const sb = await sandbox();
    const p = provider(sb);
    expect(fingerprint(await p.read())).toBe(fingerprint(await p.read()));
  });

  it('readLinks() makes one call', async () => {
    const sb = await sandbox();
    const p = provider(sb);
    expect(await p.readLinks()).toEqual({ Accounts: 30, Contacts: 12, Deals: 4 });
    expect(p.stats().byHost.api).toBe(1);
  });

  it('a non-admin reads too, marked isAdmin false', async () => {
    const sb = await sandbox();
    const live = await provider(sb, { credentials: VIEWER_CREDS }).read();
    expect(live.currentUser).toEqual({ id: '4876876000000200071', email: 'grace@acme.com', profile: 'Standard', isAdmin: false });
  });

  it('against a Zoho-only sandbox (no integration endpoints) reports integration null: manual steps', async () => {
    const sb = await sandbox({ zohoOnly: true });
    const live = await provider(sb).read();
    expect(live.integration).toBeNull();
    expect(live.users.length).toBeGreaterThan(0);
  });
});

describe('paging', () => {
  it.each([
    [450 - 26, 450, 3],
    [400 - 26, 400, 2],
    [200 - 26, 200, 1],
    [201 - 26, 201, 2],
  ])('reads %i extra users (%i in all) in %i pages, the rest concurrently', async (extra, total, pages) => {
    const sb = await sandbox({ seed: seed({ extraUsers: extra }) });
    const lines: string[] = [];
    const progress: [number, number][] = [];
    const live = await provider(sb, {}, lines).read({ onProgress: (d, t) => progress.push([d, t]) });
    expect(live.users).toHaveLength(total);
    expect(new Set(live.users.map((u) => u.id)).size).toBe(total);
    expect(live.users.every((u) => u.email === u.email.toLowerCase())).toBe(true);
    expect(lines.filter((l) => l.includes('type=AllUsers'))).toHaveLength(pages);
    expect(progress[0]).toEqual([Math.min(200, total), total]);
    expect(progress.at(-1)).toEqual([total, total]);
  });

  it('answers a page past the end with 204 and no body', async () => {
    const sb = await sandbox();
    const c = new ZohoClient({ endpoints: resolveEndpoints({ endpoint: sb.url }), credentials: ADMIN_CREDS, retry: FAST_RETRY });
    await expect(c.get('api', '/crm/v8/users', { type: 'AllUsers', page: '5', per_page: '200' })).resolves.toEqual({ status: 204, body: undefined });
  });

  it('fetches pages 2..n concurrently through the pacer', async () => {
    const sb = await sandbox({ seed: seed({ extraUsers: 1000 }), faults: 'latency=30ms' });
    const t0 = performance.now();
    const live = await provider(sb, { concurrency: 5 }).read();
    expect(live.users).toHaveLength(1026);
    // 6 pages + 5 other reads, sequential would be ≥ 11 × 30 ms plus the token
    expect(performance.now() - t0).toBeLessThan(11 * 30);
    expect(sb.stats().maxInFlight).toBeGreaterThan(1);
    expect(sb.stats().maxInFlight).toBeLessThanOrEqual(5);
  });
});
