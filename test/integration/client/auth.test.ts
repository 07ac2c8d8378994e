import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../../src/model/errors.js';
import { ADMIN_CREDS, provider, sandbox, seed, sleep, VIEWER_CREDS } from './helpers.js';

describe('OAuth against the sandbox', () => {
  it('reuses one token for many calls', async () => {
    const sb = await sandbox();
    const p = provider(sb);
    await p.read();
    await p.read();
    await p.readLinks();
    expect(p.stats().byHost.accounts).toBe(1);
  });

  it('renews a token before it expires (tokenTtlSec 1), without meeting INVALID_TOKEN', async () => {
    const sb = await sandbox({ tokenTtlSec: 1 });
    const p = provider(sb);
    await p.read();
    await sleep(1100);
    await p.read();
    expect(p.stats().byHost.accounts).toBe(2);
    expect(sb.stats().byStatus['401']).toBeUndefined();
  });

  it('on INVALID_TOKEN (the server expired the token early) refreshes once and carries on', async () => {
    // The token the client holds expires early on the server's side (the client still thinks it good).
    const sb = await sandbox();
    const p = provider(sb);
    await p.read();
    sb.expireTokens();
    const live = await p.read();
    expect(live.org.id).toBe('60012345678');
    expect(sb.stats().byStatus['401']).toBeGreaterThan(0);
    expect(p.stats().retries).toBe(0);
  });

  it('shares one in-flight refresh among concurrent calls that all met INVALID_TOKEN', async () => {
    const sb = await sandbox();
    const p = provider(sb, { concurrency: 10 });
    await p.read();
    // The token expires (as Zoho's do after an hour), not after a wall-clock wait: a busy machine
    // cannot make the refreshed token expire too before the calls retry with it.
    sb.expireTokens();
    await Promise.all([p.read(), p.read(), p.read(), p.readLinks(), p.readLinks()]);
    expect(sb.stats().byStatus['401']).toBeGreaterThanOrEqual(5);
    expect(p.stats().byHost.accounts).toBe(2);
  });

  it('refreshes after the sandbox restarts and forgets its tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zpi-client-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = await sandbox({ stateFile, port: 0 });
      const p1 = provider(first);
      await p1.read();
      await first.close();
      const second = await sandbox({ stateFile, port: first.port });
      expect(second.url).toBe(first.url);
      await p1.read();
      expect(p1.stats().byHost.accounts).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains bad credentials clearly and does not retry them', async () => {
    const sb = await sandbox();
    const p = provider(sb, { credentials: { ...ADMIN_CREDS, clientSecret: 'wrong' } });
    const err = await p.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoApiError);
    expect(err).toMatchObject({ code: 'invalid_code', retryable: false });
    expect((err as Error).message).toBe('OAuth refresh failed: invalid client id, secret or refresh token (invalid_code)');
    expect(p.stats().byHost.accounts).toBe(1);
  });

  it('a refresh token of a user who was disabled is refused as invalid_code', async () => {
    const s = seed();
    const grace = s.users.find((u) => u.email === 'grace@acme.com');
    if (grace) grace.status = 'disabled';
    const sb = await sandbox({ seed: s });
    await expect(provider(sb, { credentials: VIEWER_CREDS }).read()).rejects.toMatchObject({ code: 'invalid_code' });
  });
});

describe('a non-admin', () => {
  it('can read but every write is refused with 403 NO_PERMISSION', async () => {
    const sb = await sandbox();
    const p = provider(sb, { credentials: VIEWER_CREDS });
    expect((await p.read()).currentUser.isAdmin).toBe(false);
    const writes = [
      () => p.grantUsers([{ userId: '4876876000000200036' }]),
      () => p.revokeUsers(['4876876000000200029']),
      () => p.setUserPermissions([{ userId: '4876876000000200029', permissions: null }]),
      () => p.setProfilePermissions([{ profileId: '4876876000000026014', profile: 'Standard', permissions: ['view'] }]),
      () => p.associatePortal({ portalId: '7001', zscKey: 'x-key-x', email: 'owner@acme.com' }),
      () => p.disassociatePortal(),
      () => p.deactivate(),
    ];
    for (const w of writes) {
      const err = await w().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZohoApiError);
      expect(err).toMatchObject({ status: 403, code: 'NO_PERMISSION', retryable: false });
      expect((err as Error).message).toMatch(/→ 403 NO_PERMISSION: permission denied: only a CRM administrator/);
    }
    expect(sb.state().integration).toEqual(seed().integration);
  });
});
