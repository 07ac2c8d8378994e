import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, secretSeed, useE2E } from './harness.js';

describe('apply PLANFILE against another org', () => {
  const made = useE2E({ manifest: join(ROOT, 'integration.yaml') });
  const other = useE2E({
    manifest: join(ROOT, 'integration.yaml'),
    seed: secretSeed((s) => {
      s.org.id = '60099999999';
      s.org.company_name = 'Other Corp';
    }),
  });

  it('refuses, naming both orgs, and writes nothing', async () => {
    expect((await made.run(['plan', '--out', 'plan.json'])).code).toBe(0);
    copyFileSync(join(made.dir, 'plan.json'), join(other.dir, 'plan.json'));
    const before = readFileSync(other.stateFile);
    const r = await other.run(['apply', 'plan.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: this plan was made for Acme Corp (org 60012345678) via sandbox, but zpi now reaches Other Corp (org 60099999999) ' +
        'via sandbox; pass the same --sandbox/--endpoint as for zpi plan\n',
    );
    expect(readFileSync(other.stateFile).equals(before)).toBe(true);
  });
});
