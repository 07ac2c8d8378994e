import { describe, expect, it } from 'vitest';
import type { Io } from '../../../src/cli/io.js';
import { openTarget } from '../../../src/cli/target.js';
import { fakeZoho, pathOf, rejection } from './fake-zoho.js';

/** The CLI passes the limits from the environment to the client and prints its wait lines on stderr. */
function io(env: Record<string, string>): Io & { stderr: string[] } {
  const stderr: string[] = [];
  return {
    stderr,
    out: () => undefined,
    err: (t) => void stderr.push(t),
    env: { ZOHO_CLIENT_ID: 'hr-id', ZOHO_CLIENT_SECRET: 'hr-secret-1', ZOHO_REFRESH_TOKEN: 'hr-refresh-1', ...env },
    cwd: process.cwd(),
    stdoutTTY: false,
    stderrTTY: false,
    interactive: false,
    color: false,
    ask: () => Promise.resolve(''),
  };
}

describe('openTarget passes the hostile-remote limits through', () => {
  it('ZPI_CALL_TIMEOUT, ZPI_READ_DEADLINE and the retry lines on stderr', async () => {
    const zoho = await fakeZoho((req) => pathOf(req) === '/oauth/v2/token'); // never answers
    const cli = io({ ZPI_CALL_TIMEOUT: '100ms', ZPI_READ_DEADLINE: '450ms', ZPI_RETRIES: '50', ZPI_RETRY_MIN_MS: '1', ZPI_RETRY_MAX_MS: '1' });
    const target = await openTarget({ endpoint: zoho.url }, cli);
    const err = await rejection(target.provider.read());
    await target.close();
    expect(err.message).toMatch(/^reading the live state stopped after 450 ms \(ZPI_READ_DEADLINE\): still waiting for .*POST \/oauth\/v2\/token/);
    expect(cli.stderr).toContain('retrying POST /oauth/v2/token (attempt 2 of 51) in 1 ms…\n');
    expect(cli.stderr.every((l) => l.endsWith('…\n'))).toBe(true);
  });

  it('ZPI_MAX_RESPONSE_BYTES', async () => {
    const zoho = await fakeZoho(() => false);
    const target = await openTarget({ endpoint: zoho.url }, io({ ZPI_MAX_RESPONSE_BYTES: '64' }));
    const err = await rejection(target.provider.read());
    expect(err.message).toBe('POST /oauth/v2/token answered more than 64 bytes; zpi stops reading there (ZPI_MAX_RESPONSE_BYTES)');
  });

  it('a malformed value is a one-line error before any call', async () => {
    const zoho = await fakeZoho(() => false);
    await expect(openTarget({ endpoint: zoho.url }, io({ ZPI_READ_DEADLINE: 'later' }))).rejects.toThrow(
      'ZPI_READ_DEADLINE="later": expected a duration such as 110s, 500ms or 5m',
    );
    expect(zoho.seen).toEqual([]);
  });
});
