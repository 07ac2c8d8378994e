import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSandboxCli, type SandboxHandle } from '../../../src/sandbox/index.js';
import { call, getToken, useSandboxes } from './helpers.js';

const { tempDir } = useSandboxes();

describe('runSandboxCli', () => {
  it('prints where it listens and the dummy credentials, then logs each request without its query', async () => {
    const lines: string[] = [];
    const file = join(await tempDir(), 'state.json');
    let sb: SandboxHandle | undefined;
    try {
      sb = await runSandboxCli({ stateFile: file, faults: 'latency=1ms', limits: 'concurrency=5', stdout: (l) => lines.push(l) });
      const text = lines.join('\n');
      expect(lines[0]).toBe(`zpi sandbox listening on ${sb.url}`);
      expect(text).toContain('Acme Corp (60012345678)');
      expect(text).toContain(file);
      expect(text).toContain('faults  rate=0,reset=0,latency=1ms,seed=1');
      expect(text).toContain('limits  concurrency=5');
      expect(text).toContain('sandbox-only dummies');
      expect(text).toContain('ZOHO_CLIENT_ID=sandbox ZOHO_CLIENT_SECRET=sandbox ZOHO_REFRESH_TOKEN=sandbox   # acts as admin@acme.com (Administrator)');
      expect(text).toContain('acts as grace@acme.com (Standard)');
      expect(text).toContain(`ZPI_ENDPOINT=${sb.url}`);
      const token = await getToken(sb.url);
      await call(sb.url, token, 'GET', '/crm/v8/users?type=CurrentUser');
      expect(lines.at(-2)).toMatch(/^POST \/oauth\/v2\/token 200 \d+ms$/);
      expect(lines.at(-1)).toMatch(/^GET \/crm\/v8\/users 200 \d+ms$/);
    } finally {
      await sb?.close();
    }
  });

  it('rejects a malformed faults spec before listening', async () => {
    await expect(runSandboxCli({ faults: 'rate=lots', stdout: () => undefined })).rejects.toThrow(/faults "rate=lots": rate must be a number from 0 to 1/);
  });
});
