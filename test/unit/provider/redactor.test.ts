import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/model/redactor.js';
import { envRedactor, safeWriter, SECRET_ENV } from '../../../src/provider/redactor.js';

const KEY = 'zsc Key/+1000.a&b=c"d\\e~é';

describe('Redactor', () => {
  it('masks a secret as written, JSON-escaped, URL-encoded and form-encoded', () => {
    const r = new Redactor();
    r.add(KEY);
    const forms = [
      KEY,
      JSON.stringify(KEY).slice(1, -1),
      JSON.stringify(KEY).slice(1, -1).replace('é', '\\u00e9'),
      encodeURIComponent(KEY),
      encodeURIComponent(KEY).replace(/%20/g, '+'),
      new URLSearchParams({ k: KEY }).toString().slice(2),
    ];
    expect(new Set(forms).size).toBe(forms.length);
    for (const form of forms) expect(r.redact(`before ${form} after`), form).toBe('before *** after');
    // Percent-encoding with lower-case hex (some encoders) too.
    const lower = encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    expect(r.redact(`q=${lower}`)).toBe('q=***');
    expect(r.redact(JSON.stringify({ error: `bad key ${KEY}` }))).toBe('{"error":"bad key ***"}');
  });

  it('masks the longer of two overlapping secrets whole, in one pass', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    expect(r.redact('x abcdefgh y abcd z')).toBe('x *** y *** z');
  });

  it('ignores values too short to be secrets, and masks nothing when it knows none', () => {
    const r = new Redactor();
    r.add('abc');
    r.add(undefined);
    r.add('');
    expect(r.redact('abc abc')).toBe('abc abc');
  });

  it('takes secrets added after it was first used', () => {
    const r = new Redactor();
    expect(r.redact('s3cret-one')).toBe('s3cret-one');
    r.add('s3cret-one');
    expect(r.redact('s3cret-one')).toBe('***');
  });
});

describe('envRedactor: the secrets of the environment', () => {
  it('masks the known variables, also the client id', () => {
    expect(SECRET_ENV).toEqual(['ZPI_ZSC_KEY', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_CLIENT_ID']);
    const r = envRedactor({
      ZPI_ZSC_KEY: 'zsc-7001-secret',
      ZOHO_CLIENT_SECRET: 'abc123',
      ZOHO_REFRESH_TOKEN: '1000.refresh.tok',
      ZOHO_CLIENT_ID: '1000.CLIENTID',
    });
    expect(r.redact('zscEmail "zsc-7001-secret" is not an email address')).toBe('zscEmail "***" is not an email address');
    expect(r.redact('abc123 1000.refresh.tok 1000.CLIENTID')).toBe('*** *** ***');
  });

  it('masks other variables named like secrets when long enough, and leaves the rest', () => {
    const r = envRedactor({ ACME_ZSC_KEY: 'k-0123456789', GITHUB_TOKEN: 'ghp_0123456789', API_KEY: 'short', HOME: '/home/someone-long' });
    expect(r.redact('k-0123456789 ghp_0123456789 short /home/someone-long')).toBe('*** *** short /home/someone-long');
  });

  it('does not mask a plain word such as the sandbox default credentials', () => {
    const r = envRedactor({ ZOHO_CLIENT_ID: 'sandbox', ZOHO_CLIENT_SECRET: 'sandbox', ZOHO_REFRESH_TOKEN: 'sandbox' });
    expect(r.redact('the sandbox answered 500')).toBe('the sandbox answered 500');
  });
});

describe('safeWriter: what the CLI prints as errors', () => {
  it('escapes control characters on every line and keeps the line breaks', () => {
    const out: string[] = [];
    safeWriter((t) => out.push(t))('error: one\x1b[2J\nerror: two\u202e\r\n');
    expect(out).toEqual(['error: one\\u001b[2J\nerror: two\\u202e\\r\n']);
  });
});
