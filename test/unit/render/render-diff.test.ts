import { describe, expect, it } from 'vitest';
import { renderManifestDiff } from '../../../src/render/index.js';

describe('renderManifestDiff', () => {
  it('diffs live (exported as a manifest) against the desired file', () => {
    const live = 'org: "1"\nusers:\n  - email: a@acme.com\n  - email: b@acme.com\n';
    const want = 'org: "1"\nusers:\n  - email: a@acme.com\n  - email: c@acme.com\n';
    expect(renderManifestDiff(live, want, 'integration.yaml')).toBe(
      '--- live\n+++ integration.yaml\n@@ -1,4 +1,4 @@\n org: "1"\n users:\n   - email: a@acme.com\n-  - email: b@acme.com\n+  - email: c@acme.com\n',
    );
  });

  it('is empty when they are equal', () => {
    expect(renderManifestDiff('a: 1\n', 'a: 1\n', 'integration.yaml')).toBe('');
  });
});
