import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/model/fingerprint.js';
import { VALID, desired, edit } from './helpers.js';

describe('parseManifest: a valid manifest becomes Desired', () => {
  it('builds Desired with positions, normalized permissions and lower-cased emails', () => {
    const text = edit('  - email: alice@acme.com', '  - email: Alice@Acme.com\n  - email: bob@acme.com\n    permissions: [create, view, view]'.replace(', view]', ']'))
      .replace('[view, create]', '[create, view]')
      .replace('zscEmail: owner@acme.com', 'zscEmail: Owner@acme.com');
    const d = desired(text, 'integration.yaml');
    expect(d).toEqual({
      file: 'integration.yaml',
      hash: sha256(text),
      org: '60012345678',
      orgPos: { line: 3, col: 6 },
      state: 'active',
      statePos: { line: 1, col: 1 },
      portal: {
        name: 'acme-projects',
        zscKeyVar: 'ZPI_ZSC_KEY',
        zscEmail: 'owner@acme.com',
        zscEmailPos: { line: 7, col: 13 },
        pos: { line: 4, col: 1 },
      },
      profiles: { Standard: { permissions: ['view', 'create'], pos: { line: 9, col: 3 } } },
      usersPos: { line: 10, col: 1 },
      users: [
        { email: 'alice@acme.com', pos: { line: 11, col: 5 } },
        { email: 'bob@acme.com', permissions: ['view', 'create'], pos: { line: 12, col: 5 } },
      ],
      warnings: [],
    });
  });

  it('hashes the raw bytes, so bytes and string input agree', () => {
    const bytes = new TextEncoder().encode(VALID);
    expect(desired(bytes).hash).toBe(sha256(bytes));
    expect(desired(VALID).hash).toBe(desired(bytes).hash);
    expect(desired(VALID).hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps dc, the explicit state position and portal id', () => {
    const d = desired(edit('org: "60012345678"', 'org: "60012345678"\ndc: eu\nstate: active').replace('  name: acme-projects', '  id: "7001"'));
    expect(d.dc).toBe('eu');
    expect(d.statePos).toEqual({ line: 5, col: 8 });
    expect(d.portal).toMatchObject({ id: '7001', pos: { line: 6, col: 1 } });
    expect(d.portal?.name).toBeUndefined();
  });

  it('accepts flow style, anchors and aliases, and a UTF-8 BOM', () => {
    const text = `\uFEFF{apiVersion: zpi/v1, kind: ProjectsIntegration, org: "1", portal: {id: "7"},
      profiles: {A: &rw [view, edit], B: *rw}, users: [{email: a@b.co, permissions: *rw}]}`;
    const d = desired(text);
    expect(d.profiles.B?.permissions).toEqual(['view', 'edit']);
    expect(d.users[0]?.permissions).toEqual(['view', 'edit']);
  });

  it('treats profile names exactly, including odd ones', () => {
    const d = desired(edit('  Standard: [view, create]', '  Standard: [view]\n  standard: []\n  "2024": [view]'));
    expect(Object.keys(d.profiles).sort()).toEqual(['2024', 'Standard', 'standard']);
  });
});
