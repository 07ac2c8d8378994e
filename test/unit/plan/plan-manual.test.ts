import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/index.js';
import { printedSteps } from '../../../src/model/plan-document.js';
import { desired, liveOrg, planCtx } from '../../helpers/builders.js';

describe('plan: unreadable integration (real Zoho)', () => {
  const live = liveOrg({ users: ['amy@acme.com'], integration: null });
  const ctx = planCtx({ endpointKind: 'zoho' });

  it('plans from an empty integration and marks every step manual', () => {
    const p = plan(desired({ profiles: { Standard: ['view'] }, users: ['amy@acme.com'] }), live, ctx);
    expect(p.manual).toBe(true);
    expect(printedSteps(p).map((s) => [s.id, s.manual])).toEqual([
      ['associate-portal:acme-projects', true],
      ['set-profile-permissions:Standard', true],
      ['grant-user:amy@acme.com', true],
    ]);
    expect(p.access.map((a) => a.change)).toEqual(['gains']);
  });

  it('plans a manual deactivate step for a deactivated manifest: zpi cannot tell whether it is active', () => {
    const p = plan(desired({ state: 'deactivated', warnings: ['w1'] }), live, ctx);
    expect(p.manual).toBe(true);
    expect(printedSteps(p).map((s) => [s.id, s.kind, s.manual, s.destructive])).toEqual([['deactivate:integration', 'deactivate', true, true]]);
    expect(p.warnings).toEqual(['w1']);
  });

  it('is not manual when the settings are readable', () => {
    const p = plan(desired({ users: ['amy@acme.com'] }), liveOrg({ users: ['amy@acme.com'] }), planCtx());
    expect(p.manual).toBe(false);
    expect(printedSteps(p).every((s) => !s.manual)).toBe(true);
  });
});
