import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model/errors.js';
import type { Plan } from '../../../src/model/plan.js';
import { renderJson } from '../../../src/render/index.js';
import { parsePlanFile } from '../../../src/run/plan-file.js';
import { changePlan, manualPlan, swapPlan } from '../../helpers/plans.js';

/** Reverses every object's key order, so stable output can be told from insertion order. */
function shuffled<T>(v: T): T {
  if (Array.isArray(v)) return v.map(shuffled) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffled(x)])) as T;
  return v;
}

describe('renderJson', () => {
  it('renders the plan as versioned, sorted, indented JSON', () => {
    const json = renderJson(swapPlan());
    expect(json).toMatchSnapshot();
    expect(json.startsWith('{\n  "formatVersion": 1,\n  "access": [')).toBe(true);
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('does not depend on key insertion order', () => {
    const p = changePlan();
    expect(renderJson(shuffled(p))).toBe(renderJson(p));
  });

  it('keeps liveSections when the caller added them', () => {
    const p: Plan = { ...changePlan(), liveSections: { users: 'abc', org: 'def' } };
    expect(JSON.parse(renderJson(p)).liveSections).toEqual({ org: 'def', users: 'abc' });
  });
});

describe('parsePlanFile', () => {
  it('reads back what renderJson wrote', () => {
    for (const p of [swapPlan(), changePlan(), manualPlan()]) {
      const back = parsePlanFile(renderJson(p), 'plan.json');
      expect(back).toEqual(p);
      expect(renderJson(back)).toBe(renderJson(p));
    }
  });

  const broken: [string, string, RegExp][] = [
    ['invalid JSON', '{"formatVersion": 1,', /^plan\.json: not a zpi plan file: invalid JSON/],
    ['not an object', '[1, 2]', /^plan\.json: not a zpi plan file: expected a JSON object$/],
    ['no formatVersion', '{"steps": []}', /^plan\.json: cannot read this plan: it has no formatVersion, and this zpi reads formatVersion 1; run zpi plan again/],
    ['a newer format', '{"formatVersion": 2}', /its formatVersion is 2, and this zpi reads formatVersion 1/],
    ['missing fields', '{"formatVersion": 1}', /^plan\.json: not a valid zpi plan: manifest must be present; target must be present; liveFingerprint must be present; .*; and 6 more problems$/],
  ];
  it.each(broken)('rejects %s', (_name, text, message) => {
    expect(() => parsePlanFile(text, 'plan.json')).toThrow(UserError);
    expect(() => parsePlanFile(text, 'plan.json')).toThrow(message);
  });

  it('names a bad step by its path', () => {
    const doc = JSON.parse(renderJson(swapPlan()));
    doc.steps[1].kind = 'launch-rockets';
    delete doc.steps[4].user;
    doc.summary.add = 'five';
    expect(() => parsePlanFile(JSON.stringify(doc), 'p.json')).toThrow(
      'p.json: not a valid zpi plan: steps[1].kind must be deactivate | associate-portal | change-portal | ' +
        'set-profile-permissions | grant-user | set-user-permissions | revoke-user; steps[4].user must be present for a grant-user step; ' +
        'summary.add must be a number',
    );
  });
});
