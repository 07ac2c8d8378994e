import { describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport } from '../../../src/provider/http-transport.js';
import { ADMIN_CREDS, provider, sandbox, SECRETS, sleep, VIEWER_CREDS } from './helpers.js';

/**
 * Runs every path that produces text — success, per-item errors, whole-call errors, bad credentials,
 * faults, token expiry — and scans every log line and error message for every secret, including
 * the access tokens the sandbox minted (seen through a wire tap on the transport).
 */
describe('no secret ever leaves the client', () => {
  it('in log lines, error messages or item messages', async () => {
    const lines: string[] = [];
    const texts: string[] = [];
    const tokens = new Set<string>();
    const wire = createHttpTransport();
    const tap: HttpTransport = async (req) => {
      const res = await wire(req);
      if (req.url.endsWith('/oauth/v2/token') && res.status >= 200 && res.status < 300) {
        const body = JSON.parse(res.body) as { access_token?: string };
        if (body.access_token) tokens.add(body.access_token);
      }
      return res;
    };
    const collect = async (p: Promise<unknown>) => {
      try {
        const v = await p;
        if (Array.isArray(v)) for (const r of v as { code: string; message: string }[]) texts.push(`${r.code}: ${r.message}`);
      } catch (e) {
        texts.push((e as Error).message, String(e), JSON.stringify(e), (e as Error).stack ?? '');
      }
    };

    const scenario = async (sb: Awaited<ReturnType<typeof sandbox>>) => {
      const admin = provider(sb, { transport: tap }, lines);
      await collect(admin.read());
      await sleep(300); // with tokenTtlSec 0.2 the sandbox forgets the token: INVALID_TOKEN, then a refresh
      await collect(admin.read());
      await collect(admin.associatePortal({ portalId: '7002', zscKey: SECRETS.zsc7002, email: 'newco-owner@acme.com' })); // PORTAL_ALREADY_ASSOCIATED
      await collect(admin.disassociatePortal());
      await collect(admin.associatePortal({ portalId: '7001', zscKey: SECRETS.zsc7002, email: 'owner@acme.com' })); // INVALID_ZSC_KEY
      await collect(admin.associatePortal({ portalId: '7001', zscKey: SECRETS.zsc7001, email: 'owner@acme.com' }));
      await collect(admin.grantUsers([{ userId: '4876876000000200036' }, { userId: '4876876000000200162' }, { userId: '999' }])); // INVALID_DATA items
      await collect(admin.setUserPermissions([{ userId: '4876876000000200036', permissions: ['create'] }]));
      await collect(provider(sb, { transport: tap, credentials: { ...ADMIN_CREDS, refreshToken: 'RT-wrong-s3cret' } }, lines).read());
      await collect(provider(sb, { transport: tap, credentials: VIEWER_CREDS }, lines).grantUsers([{ userId: '4876876000000200036' }]));
      await collect(provider(sb, { transport: tap, retry: { retries: 0 } }, lines).read());
    };
    await scenario(await sandbox({ tokenTtlSec: 0.2 }));
    await scenario(await sandbox({ tokenTtlSec: 0.2, faults: 'rate=0.2,reset=0.1,seed=9' }));

    const text = [...lines, ...texts].join('\n');
    const secrets = [...Object.values(SECRETS), 'RT-wrong-s3cret', ...tokens];
    for (const s of secrets) expect(text, `leaked ${s.slice(0, 6)}…`).not.toContain(s);
    // The scan looked at real traffic: tokens were minted, errors of each kind were seen.
    expect(tokens.size).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBeGreaterThan(20);
    for (const code of ['INVALID_ZSC_KEY', 'PORTAL_ALREADY_ASSOCIATED', 'invalid_code', 'NO_PERMISSION', 'INVALID_DATA']) expect(text).toContain(code);
  });
});
