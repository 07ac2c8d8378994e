/**
 * Runs before each integration test file (vitest.config.ts: setupFiles). Files share worker processes
 * (isolate: false), and a helper module is loaded once per process: a hook it registered when loaded
 * would cover only the first file to import it. The helpers' cleanup is registered here instead, for
 * every file: the sandboxes and servers a test started are closed after it, even when it fails.
 */
import { afterEach } from 'vitest';
import { closeOpenSandboxes } from './client/helpers.js';
import { closeOpenServers } from './hostile-remote/fake-zoho.js';

afterEach(async () => {
  await Promise.all([closeOpenSandboxes(), closeOpenServers()]);
});
