import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordJournal } from '../../../src/record/journal.js';
import { readRecord } from '../../../src/record/record-file.js';
import { withSteps } from '../../../src/model/record.js';
import { startingSettings } from '../../../src/record/journal.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';
import { plan as makePlan } from '../../../src/plan/index.js';
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
      // The call's steps first; the plan's next ones may follow (the window).
      expect(section?.pending?.slice(0, 2).map((s) => [s.id, s.manual])).toEqual(plan.steps.slice(0, 2).map((s) => [s.id, plan.manual]));
      // Key for key as before the flag moved to the plan: destructive, manual, then the step's own.
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { sections: Record<string, { pending: object[] }> };
      expect(Object.keys(Object.values(raw.sections)[0]?.pending[0] ?? {}).slice(0, 3)).toEqual(['destructive', 'manual', 'id']);
      // The plan's own steps are left as they were.
      for (const s of plan.steps) expect(Object.keys(s)).not.toContain('manual');
    }
  });
});

describe('RecordJournal: a window of pending steps per write', () => {
  /** 1,000 users granted in calls of 100 against an org where nobody has access yet. */
  function bigPlan() {
    const emails = Array.from({ length: 1000 }, (_, i) => `user${String(i).padStart(4, '0')}@acme.com`);
    const live = liveOrg({ users: emails, integration: { users: [], profilePermissions: { Standard: ['view'] } } });
    return { live, plan: makePlan(desired({ profiles: { Standard: ['view'] }, users: emails }), live, planCtx()) };
  }
  /** The file as it stands: every write changes it (a new window of pending steps, or the settings). */
  const text = (file: string): string => readFileSync(file, 'utf8');

  it('a call whose steps an earlier write marked pending writes nothing; the record is whole at every point', () => {
    const { plan, live } = bigPlan();
    const file = join(dir, 'big.state.json');
    const journal = RecordJournal.open(file, plan, live);
    const calls = Array.from({ length: Math.ceil(plan.steps.length / 100) }, (_, i) => plan.steps.slice(i * 100, i * 100 + 100));
    const versions = new Set<string>();
    const done: typeof plan.steps = [];
    for (const call of calls) {
      journal.starting(call);
      versions.add(text(file));
      // On disk before the call: every step of it pending, and the settings of every call before it
      // (or of an earlier window, whose steps are pending too).
      const section = Object.values(readRecord(file)?.sections ?? {})[0];
      const pending = new Set(section?.pending?.map((s) => s.id));
      for (const s of call) expect(pending.has(s.id)).toBe(true);
      const onDisk = new Set(section?.settings.users.map((u) => u.id));
      for (const s of done) expect(onDisk.has((s as { user: { id: string } }).user.id) || pending.has(s.id)).toBe(true);
      journal.done(call);
      done.push(...call);
    }
    journal.finish({ at: '2026-11-30T00:00:00Z', by: 'admin@acme.com', action: 'apply', manifestHash: 'h' });
    // 10 calls of 100, windows of 100 (a tenth of no users, at least 100): one write per call here,
    // but never more than one, and the finished record holds every step with nothing pending.
    expect(versions.size).toBeLessThanOrEqual(calls.length);
    const section = Object.values(readRecord(file)?.sections ?? {})[0];
    expect(section?.pending).toBeUndefined();
    expect(section?.settings).toEqual(withSteps(startingSettings(live, undefined), plan.steps));
  });

  it('writes once per tenth of the users it records, not once per call', () => {
    const { plan, live } = bigPlan();
    // Nobody has access yet, so a window is WINDOW_MIN (100) steps.
    const file = join(dir, 'window.state.json');
    const journal = RecordJournal.open(file, plan, live);
    const batches = Array.from({ length: plan.steps.length / 10 }, (_, i) => plan.steps.slice(i * 10, i * 10 + 10));
    const versions = new Set<string>();
    for (const b of batches) {
      journal.starting(b);
      versions.add(text(file));
      journal.done(b);
    }
    // 100 calls of 10 steps: a window of 100 steps covers ten calls, so ten writes.
    expect(batches.length).toBe(100);
    expect(versions.size).toBe(10);
  });

  it('a portal step is a window of its own, written done before the next call', () => {
    const emails = ['carol@acme.com', 'dave@acme.com'];
    const live = liveOrg({ users: emails, integration: 'inactive' });
    const plan = makePlan(desired({ users: emails }), live, planCtx());
    expect(plan.steps[0]?.kind).toBe('associate-portal');
    const file = join(dir, 'portal.state.json');
    const journal = RecordJournal.open(file, plan, live);
    const [portal, ...rest] = plan.steps;
    journal.starting([portal!]);
    const atPortal = Object.values(readRecord(file)?.sections ?? {})[0];
    expect(atPortal?.pending?.map((s) => s.id)).toEqual([portal!.id]);
    journal.done([portal!]);
    journal.starting(rest);
    const after = Object.values(readRecord(file)?.sections ?? {})[0];
    // The portal is in the settings on disk before any user call is made; only user steps are pending.
    expect(after?.settings.status).toBe('active');
    expect(after?.settings.portal?.name).toBe('acme-projects');
    expect(after?.pending?.map((s) => s.id)).toEqual(rest.map((s) => s.id));
  });

  it('on real Zoho a confirmed Setup block is written at once (a re-run resumes from the record)', () => {
    const plan = manualPlan();
    const file = join(dir, 'manual.state.json');
    const journal = RecordJournal.open(file, plan, acmeLive('unreadable'));
    const block = plan.steps.slice(0, 1);
    journal.done(block);
    const section = Object.values(readRecord(file)?.sections ?? {})[0];
    expect(section?.settings).toEqual(withSteps(startingSettings(acmeLive('unreadable'), undefined), block));
    expect(section?.pending).toBeUndefined();
  });
});
