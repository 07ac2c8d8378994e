import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordJournal } from '../../../src/record/journal.js';
import { readRecord } from '../../../src/record/record-file.js';
import { acmeLive, changePlan, manualPlan } from '../../helpers/plans.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-journal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('RecordJournal: the steps of a call in flight', () => {
  it('are written as a plan file prints them, with their plan’s manual flag, and read back', () => {
    for (const [plan, live] of [[changePlan(), acmeLive()], [manualPlan(), acmeLive('unreadable')]] as const) {
      const file = join(dir, `${plan.manual ? 'manual' : 'api'}.state.json`);
      const journal = RecordJournal.open(file, plan, live);
      journal.starting(plan.steps.slice(0, 2));
      const section = Object.values(readRecord(file)?.sections ?? {})[0];
      expect(section?.pending?.map((s) => [s.id, s.manual])).toEqual(plan.steps.slice(0, 2).map((s) => [s.id, plan.manual]));
      // Key for key as before the flag moved to the plan: destructive, manual, then the step's own.
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { sections: Record<string, { pending: object[] }> };
      expect(Object.keys(Object.values(raw.sections)[0]?.pending[0] ?? {}).slice(0, 3)).toEqual(['destructive', 'manual', 'id']);
      // The plan's own steps are left as they were.
      for (const s of plan.steps) expect(Object.keys(s)).not.toContain('manual');
    }
  });
});
