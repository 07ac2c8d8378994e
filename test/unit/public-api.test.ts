/**
 * The public API is a curated list (src/index.ts): each runtime name exported by name, with a doc
 * comment, never `export *`. A new export is a decision: add it here and document it there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const INDEX = new URL('../../src/index.ts', import.meta.url);

describe("zpi's public API", () => {
  it('is the list below, and nothing else at runtime', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ApplyStopped',
      'MARKDOWN_MARKER',
      'ManifestError',
      'PERMISSIONS',
      'PLAN_FORMAT_VERSION',
      'PlanError',
      'UserError',
      'ZohoApiError',
      'acquireLock',
      'checkFiles',
      'createZohoProvider',
      'credentialsFromEnv',
      'executePlan',
      'fingerprint',
      'formatStepLine',
      'formatSummary',
      'liveToManifest',
      'loadManifest',
      'parseManifest',
      'parsePlanFile',
      'plan',
      'planDocument',
      'readPlanFile',
      'readRecord',
      'recordPathFor',
      'renderJson',
      'renderManifestDiff',
      'renderMarkdown',
      'renderText',
      'startSandbox',
    ]);
  });

  it('exports each name on its own line, under a doc comment, and never with export *', () => {
    const lines = readFileSync(INDEX, 'utf8').split('\n');
    expect(lines.filter((l) => /^export \*/.test(l))).toEqual([]);
    const undocumented = lines.flatMap((line, i) => {
      if (!/^export \{/.test(line)) return [];
      // A runtime export names one thing and follows its /** … */ comment.
      const names = /^export \{([^}]*)\}/.exec(line)?.[1]?.split(',').map((n) => n.trim()).filter(Boolean) ?? [];
      const ok = names.length === 1 && /\*\/\s*$/.test(lines[i - 1] ?? '');
      return ok ? [] : [line];
    });
    expect(undocumented).toEqual([]);
  });
});
