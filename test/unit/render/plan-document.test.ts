/**
 * The fields a plan file prints for its readers (summary, apiCalls, each step's manual) are computed
 * from the plan, never stored in it, and never read back as input.
 */
import { describe, expect, it } from 'vitest';
import { compareSteps } from '../../../src/apply/compare-steps.js';
import { UserError } from '../../../src/model/errors.js';
import { planDocument, printedSteps } from '../../../src/model/plan-document.js';
import type { Plan } from '../../../src/model/plan.js';
import { apiCallsOf, planSummary } from '../../../src/model/summarize-plan.js';
import { parsePlanFile } from '../../../src/run/plan-file.js';
import { renderJson } from '../../../src/render/render-json.js';
import { changePlan, deactivatePlan, manualPlan, noChangePlan, swapPlan } from '../../helpers/plans.js';

type Json = Record<string, any>;
const printed = (p: Plan): Json => JSON.parse(renderJson(p)) as Json;

describe('the printed plan', () => {
  it('carries summary, apiCalls and each step’s manual, computed from the plan', () => {
    for (const p of [swapPlan(), changePlan(), manualPlan(), deactivatePlan(), noChangePlan()]) {
      const doc = printed(p);
      expect(doc.summary).toEqual(planSummary(p));
      expect(doc.apiCalls).toBe(apiCallsOf(p));
      expect(doc.manual).toBe(p.manual);
      expect((doc.steps as Json[]).map((s) => s.manual)).toEqual(p.steps.map(() => p.manual));
      // The plan itself holds none of them.
      expect(Object.keys(p)).not.toContain('summary');
      expect(Object.keys(p)).not.toContain('apiCalls');
      for (const s of p.steps) expect(Object.keys(s)).not.toContain('manual');
    }
  });

  it('counts no API call for a manual plan, and every step of it in the summary', () => {
    const p = manualPlan();
    expect(p.manual).toBe(true);
    expect(apiCallsOf(p)).toBe(0);
    expect(apiCallsOf({ ...p, manual: false })).toBeGreaterThan(0);
    expect(planSummary(p)).toEqual({ add: 3, change: 1, remove: 0, destructive: 0 });
  });

  it('prints each step as the plan schema requires: destructive and manual first, then the step’s own fields', () => {
    const [step] = printedSteps(changePlan());
    expect(Object.keys(step as object).slice(0, 4)).toEqual(['destructive', 'manual', 'id', 'kind']);
    expect(planDocument(changePlan()).steps).toEqual(printedSteps(changePlan()));
  });
});

describe('reading a printed plan back', () => {
  it('drops the printed fields: what is read is the plan', () => {
    for (const p of [swapPlan(), manualPlan()]) {
      const read = parsePlanFile(renderJson(p), 'plan.json');
      expect(read).toEqual(JSON.parse(JSON.stringify(p)));
      expect(Object.keys(read)).not.toContain('summary');
      expect(Object.keys(read)).not.toContain('apiCalls');
      for (const s of read.steps) expect(Object.keys(s)).not.toContain('manual');
      expect(renderJson(read)).toBe(renderJson(p));
    }
  });

  it('never takes the summary or the call estimate from the file', () => {
    const doc = printed(changePlan());
    const honest = { summary: doc.summary, apiCalls: doc.apiCalls };
    doc.summary = { add: 0, change: 0, remove: 0, destructive: 0 };
    doc.apiCalls = 0;
    const read = parsePlanFile(JSON.stringify(doc), 'plan.json');
    expect(planSummary(read)).toEqual(honest.summary);
    expect(apiCallsOf(read)).toBe(honest.apiCalls);
    expect(printed(read)).toMatchObject(honest);
  });

  it('refuses a step whose manual is not its plan’s', () => {
    const doc = printed(swapPlan());
    doc.steps[2].manual = true;
    expect(() => parsePlanFile(JSON.stringify(doc), 'plan.json')).toThrow(
      new UserError("plan.json: not a valid zpi plan: steps[2].manual must be false (the plan's manual)"),
    );
  });

  it('compares saved steps with a fresh plan’s as printed: a plan relabelled manual differs', () => {
    const fresh = swapPlan({ allowDestructive: true });
    const doc = printed(fresh);
    doc.manual = true;
    for (const s of doc.steps as Json[]) s.manual = true;
    const saved = parsePlanFile(JSON.stringify(doc), 'plan.json');
    expect(compareSteps(printedSteps(fresh), printedSteps(fresh))).toBeNull();
    expect(compareSteps(printedSteps(saved), printedSteps(fresh))).toBe('step 1 (change-portal:acme-newco) differs from a fresh plan in manual');
  });
});
