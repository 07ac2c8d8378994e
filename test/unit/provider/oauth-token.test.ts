import { describe, expect, it } from 'vitest';
import { AccessTokens, parseTokenAnswer, refreshTokenForm } from '../../../src/provider/oauth-token.js';

const ctx = { method: 'POST', where: '/oauth/v2/token' };

describe('refreshTokenForm', () => {
  it("is Zoho's refresh-token grant", () => {
    const f = refreshTokenForm({ clientId: 'id', clientSecret: 's', refreshToken: 'r' });
    expect(Object.fromEntries(f)).toEqual({ grant_type: 'refresh_token', client_id: 'id', client_secret: 's', refresh_token: 'r' });
  });
});

describe('parseTokenAnswer', () => {
  const ok = (body: unknown, status = 200) => ({ status, headers: new Headers(), body: JSON.stringify(body) });

  it('reads token, lifetime and api_domain', () => {
    expect(parseTokenAnswer(ok({ access_token: 't', api_domain: 'https://www.zohoapis.eu', token_type: 'Bearer', expires_in: 3600 }), ctx)).toEqual({
      accessToken: 't',
      expiresInSec: 3600,
      apiDomain: 'https://www.zohoapis.eu',
    });
  });

  it('refuses an OAuth error even inside HTTP 200', () => {
    expect(() => parseTokenAnswer(ok({ error: 'invalid_code' }), ctx)).toThrow('OAuth refresh failed: invalid client id, secret or refresh token (invalid_code)');
    expect(() => parseTokenAnswer(ok({ error: 'invalid_code' }, 400), ctx)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_code' }));
  });

  it('refuses an answer without a token', () => {
    expect(() => parseTokenAnswer(ok({ token_type: 'Bearer' }), ctx)).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE' }));
  });
});

describe('AccessTokens', () => {
  function grants(ttlSec = 3600) {
    let n = 0;
    let release: (() => void) | undefined;
    let gate: Promise<void> | undefined;
    return {
      fn: async () => {
        n++;
        if (gate) await gate;
        return { accessToken: `t${n}`, expiresInSec: ttlSec };
      },
      count: () => n,
      hold() {
        gate = new Promise((r) => (release = r));
      },
      release: () => release?.(),
    };
  }

  it('caches the token until shortly before expiry', async () => {
    let now = 0;
    const g = grants(100);
    const t = new AccessTokens(g.fn, () => now);
    expect(await t.current()).toBe('t1');
    now = 89_000;
    expect(await t.current()).toBe('t1');
    now = 90_001; // 100 s lifetime renews after 90 s (a tenth early)
    expect(await t.current()).toBe('t2');
    expect(t.refreshes).toBe(2);
  });

  it('shares one in-flight refresh among concurrent callers', async () => {
    const g = grants();
    g.hold();
    const t = new AccessTokens(g.fn);
    const all = Promise.all(Array.from({ length: 10 }, () => t.current()));
    g.release();
    expect(await all).toEqual(Array(10).fill('t1'));
    expect(g.count()).toBe(1);
  });

  it('renew(stale) refreshes once however many callers saw the stale token', async () => {
    const g = grants();
    const t = new AccessTokens(g.fn);
    const stale = await t.current();
    g.hold();
    const renewed = Promise.all(Array.from({ length: 5 }, () => t.renew(stale)));
    g.release();
    expect(await renewed).toEqual(Array(5).fill('t2'));
    // A late caller holding the stale token gets the new one without another grant.
    expect(await t.renew(stale)).toBe('t2');
    expect(g.count()).toBe(2);
  });

  it('a failed refresh is not cached: the next call tries again', async () => {
    let n = 0;
    const t = new AccessTokens(async () => {
      n++;
      if (n === 1) throw new Error('down');
      return { accessToken: 'ok', expiresInSec: 60 };
    });
    await expect(t.current()).rejects.toThrow('down');
    await expect(t.current()).resolves.toBe('ok');
  });
});
