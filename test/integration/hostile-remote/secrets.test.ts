import { describe, expect, it } from 'vitest';
import { fakeZoho, json, pathOf, provider, rejection, type Seen } from './fake-zoho.js';

/**
 * Every credential (client id and secret, refresh token, access tokens, ZSC key) is masked in error
 * messages, log lines and wait lines, also when a server echoes it JSON-escaped or URL-encoded.
 * The secrets hold the characters those encodings change.
 */
const SECRETS = {
  clientId: 'hr-id/"1"+é',
  clientSecret: 'hr-s3cret\\/"x" &=é',
  refreshToken: 'hr-rt 1000.a/b+c=d',
  accessToken: 'hr-at/"99"&é',
  zscKey: 'hr-zsc "7001"/ä+',
};

/** The ways a server may write a value back: raw, JSON-escaped (with "\/" and \u escapes too), percent- and form-encoded. */
function echoes(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const uri = encodeURIComponent(s);
  return [
    s,
    json,
    json.replace(/\//g, '\\/'),
    json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ s }).toString().slice(2),
  ];
}

const ALL = Object.values(SECRETS);
/** What the server echoes: everything it was sent, in every form, and each secret in every form. */
const echo = (req: Seen) => [req.url, req.body, String(req.headers.authorization), ...ALL.flatMap(echoes)].join(' | ');

describe('no credential leaves the client, in any encoding', () => {
  it('in errors of the token call, of reads and of writes, in log and wait lines', async () => {
    let phase: 'token' | 'org' | 'profiles' | 'write' = 'token';
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) === '/oauth/v2/token') {
        if (phase === 'token') json(res, 400, { error: 'weird_error', error_description: echo(req) });
        else json(res, 200, { access_token: SECRETS.accessToken, api_domain: zoho.url, expires_in: 3600 });
        return true;
      }
      if (phase === 'org' && pathOf(req) === '/crm/v8/org') {
        json(res, 503, { code: 'INTERNAL_ERROR', message: echo(req), details: { body: req.body, echo: echo(req) }, status: 'error' });
        return true;
      }
      if (phase === 'profiles' && pathOf(req) === '/crm/v8/settings/profiles') {
        // Not JSON, and long: the token straddles the 120th character, where the message is cut short.
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`${'x'.repeat(111)} ${SECRETS.accessToken} ${echo(req)}`);
        return true;
      }
      if (req.method === 'POST') {
        json(res, 400, { code: 'INVALID_ZSC_KEY', message: echo(req), details: { sent: req.body }, status: 'error' });
        return true;
      }
      return false;
    });
    const texts: string[] = [];
    const lines: string[] = [];
    const p = provider(zoho, { credentials: SECRETS, retry: { retries: 1, minTimeoutMs: 1, maxTimeoutMs: 1 }, log: (l) => lines.push(l), onWait: (l) => lines.push(l) });
    const collect = async (op: Promise<unknown>) => {
      const e = await rejection(op);
      texts.push(e.message, String(e), JSON.stringify(e));
    };
    await collect(p.read()); // the token call refused, echoing the form body
    phase = 'org';
    await collect(p.read()); // a read answered 503 (retried, then given up)
    phase = 'profiles';
    await collect(p.read()); // a long non-JSON 502
    phase = 'write';
    await collect(p.associatePortal({ portalId: '7001', zscKey: SECRETS.zscKey, email: 'o@acme.com' }));

    // The scan looked at real echoes: each secret did travel to the server and back.
    expect(zoho.seen.some((r) => r.body.includes(encodeURIComponent(SECRETS.clientSecret).replace(/%20/g, '+')) || r.body.includes(new URLSearchParams({ s: SECRETS.clientSecret }).toString().slice(2)))).toBe(true);
    expect(texts.join('\n')).toContain('weird_error');
    expect(texts.join('\n')).toContain('INVALID_ZSC_KEY');
    expect(texts.join('\n')).toContain('GET /crm/v8/settings/profiles → 502 HTTP_502: non-JSON answer: xxxx');
    expect(lines.some((l) => l.startsWith('retrying GET /crm/v8/org'))).toBe(true);
    const text = [...texts, ...lines].join('\n');
    for (const secret of ALL) {
      for (const form of echoes(secret)) expect(text, `leaked a form of ${secret.slice(0, 5)}…`).not.toContain(form);
      // Not even the front half of one (a message cut short before masking would show it).
      expect(text).not.toContain(secret.slice(0, 6));
    }
  });
});
