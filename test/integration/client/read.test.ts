import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    const sb = await sandbox({ seed: seed({ extraUsers: 1000 }) });
    // Pages 2..6 are held until all five are asked for at once: read() completes only if it asks for
    // them concurrently (one after another, page 2 would wait for ever and the test time out).
    const gate = await holdUntil(sb.url, (url) => url.pathname === '/crm/v8/users' && Number(url.searchParams.get('page')) >= 2, 5);
    try {
      const live = await provider(sb, { concurrency: 5, endpoint: gate.url }).read();
      expect(live.users).toHaveLength(1026);
      expect(gate.held()).toEqual([5]);
      // The other reads went alongside: never more than `concurrency` calls at once in all.
      expect(gate.maxInFlight()).toBe(5);
      expect(sb.stats().maxInFlight).toBeLessThanOrEqual(5);
    } finally {
      await gate.close();
    }
  });
});

/**
 * A relay in front of `target` that holds each request `matches` picks until `count` of them wait
 * together, then lets them all go on. held() lists the size of each group released; maxInFlight() is
 * the most requests (held or not) the relay had open at once.
 */
async function holdUntil(target: string, matches: (url: URL) => boolean, count: number) {
  let waiting: (() => void)[] = [];
  const released: number[] = [];
  let inFlight = 0;
  let most = 0;
  const server = createServer((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        if (matches(new URL(req.url ?? '/', 'http://relay'))) {
          await new Promise<void>((go) => {
            waiting.push(go);
            if (waiting.length === count) {
              released.push(count);
              for (const w of waiting.splice(0)) w();
            }
          });
        }
        // Forwarded as is, Host too: the sandbox names the origin the client reached as its api_domain.
        await new Promise<void>((done, fail) => {
          const out = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res).on('finish', done).on('error', fail);
          });
          out.on('error', fail);
          out.end(Buffer.concat(chunks));
        });
      } catch {
        res.destroy();
      } finally {
        inFlight--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => [...released, ...(waiting.length > 0 ? [waiting.length] : [])],
    maxInFlight: () => most,
    close: () =>
      new Promise<void>((r) => {
        waiting = [];
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
