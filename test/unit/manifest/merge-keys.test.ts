import { describe, expect, it } from 'vitest';
import { MERGE_KEY } from '../../../src/manifest/yaml-to-js.js';
import { desired, edit, problems } from './helpers.js';

/** VALID with a second user that merges alice's entry (anchored) and sets its own email. */
const MERGED = edit(
  '  - email: alice@acme.com',
  '  - &alice\n    email: alice@acme.com\n    permissions: [view]\n  - <<: *alice\n    email: bob@acme.com',
);

describe('parseManifest: YAML merge keys (<<) are refused (docs/DECISIONS.md)', () => {
  it('says so at the << key, once, without echoes of what it would have merged', () => {
    expect(MERGED.split('\n')[13]).toBe('  - <<: *alice');
    expect(problems(MERGED)).toEqual([`14:5: ${MERGE_KEY}`]);
    // The entry holds nothing but the merge: no "missing required key email" on top of it.
    expect(problems(edit('    email: bob@acme.com\n', '', `${MERGED}\n`))).toEqual([`14:5: ${MERGE_KEY}`]);
  });

  it('says the same in a YAML 1.1 document, where << really is a merge key', () => {
    expect(problems(`%YAML 1.1\n---\n${MERGED}`)).toEqual([`16:5: ${MERGE_KEY}`]);
  });

  it('finds merge keys in flow style and at any level, each one', () => {
    const text = edit('  Standard: [view, create]', '  Standard: [view, create]\n  Support: {<<: {a: 1}}').replace(
      'portal:\n',
      'portal:\n  <<: {name: acme-projects}\n  <<: {id: "7001"}\n',
    );
    expect(problems(text)).toEqual([`5:3: ${MERGE_KEY}`, `6:3: ${MERGE_KEY}`, `12:13: ${MERGE_KEY}`]);
  });

  it('reads a quoted "<<" as an ordinary (unknown) key, as YAML does', () => {
    expect(problems(edit('  - email: alice@acme.com', '  - email: alice@acme.com\n    "<<": x'))).toEqual([
      '12:5: unknown key "<<" in user entry (expected one of: email, permissions, expires)',
    ]);
  });

  it('still accepts anchors and aliases, the way to share a value', () => {
    const d = desired(edit('  - email: alice@acme.com', '  - email: alice@acme.com\n    permissions: &ro [view]\n  - email: bob@acme.com\n    permissions: *ro'));
    expect(d.users.map((u) => u.permissions)).toEqual([['view'], ['view']]);
  });
});
