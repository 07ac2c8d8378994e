import { expect } from 'vitest';
import type { Desired } from '../../../src/model/desired.js';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';

/** A valid manifest; tests edit lines of it so positions stay easy to read. */
export const VALID = `apiVersion: zpi/v1
kind: ProjectsIntegration
org: "60012345678"
portal:
  name: acme-projects
  zscKey: \${ZPI_ZSC_KEY}
  zscEmail: owner@acme.com
profiles:
  Standard: [view, create]
users:
  - email: alice@acme.com
`;

/** Problems of a manifest that must be invalid, as `line:col: message`. */
export function problems(text: string | Uint8Array): string[] {
  const r = parseManifest(text, 'm.yaml');
  if (!('problems' in r)) throw new Error(`expected problems, got a valid manifest:\n${String(text)}`);
  for (const p of r.problems) expect(p.file).toBe('m.yaml');
  return r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

/** The Desired of a manifest that must be valid. */
export function desired(text: string | Uint8Array, file = 'm.yaml'): Desired {
  const r = parseManifest(text, file);
  if (!('desired' in r)) throw new Error(`expected a valid manifest, got:\n${r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n')}`);
  return r.desired;
}

/** VALID with `from` replaced by `to` (which must occur exactly once). */
export function edit(from: string, to: string, base = VALID): string {
  expect(base.split(from)).toHaveLength(2);
  return base.replace(from, to);
}
