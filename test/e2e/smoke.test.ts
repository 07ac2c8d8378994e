import { describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, useE2E } from './harness.js';

describe('zpi end to end (built CLI against the sandbox)', () => {
  const t = useE2E();

  it('plans, applies, and then has nothing left to do', async () => {
    // A copy: apply keeps its record beside the manifest, and the repository stays clean.
    const manifest = join(t.dir, 'integration.yaml');
    copyFileSync(join(ROOT, 'integration.yaml'), manifest);
    const plan = await t.run(['plan', '-f', manifest, '--detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Plan: 3 to add, 3 to change, 1 to remove. 0 destructive.');
    const apply = await t.run(['apply', '-f', manifest, '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toContain('Apply complete: 3 added, 3 changed, 1 removed.');
    const again = await t.run(['plan', '-f', manifest, '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes. Live state matches');
  });
});
