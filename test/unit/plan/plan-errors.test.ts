import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/model/errors.js';
import type { Desired } from '../../../src/model/desired.js';
import type { Live } from '../../../src/model/live.js';
import { plan } from '../../../src/plan/index.js';
import { desired, liveOrg, planCtx, PORTALS, POS } from '../../helpers/builders.js';

/** The PlanError's problems as "line:col: message". */
function problems(d: Desired, live: Live): string[] {
  try {
    plan(d, live, planCtx());
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    const e = err as PlanError;
    expect(e.problems.every((p) => p.file === d.file)).toBe(true);
    return e.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
  }
  throw new Error('plan() did not throw');
}

describe('plan: domain errors', () => {
  it('refuses another org, naming both', () => {
    expect(problems(desired({ org: '60099999999' }), liveOrg())).toEqual([
      '3:6: manifest governs org 60099999999 but the credentials reach org 60012345678 (Acme Corp)',
    ]);
  });

  it('refuses a user who is not an administrator', () => {
    const live = liveOrg({ users: [{ email: 'sam@acme.com', profile: 'Standard' }], currentUser: 'sam@acme.com' });
    expect(problems(desired(), live)).toEqual([
      '3:6: only a CRM administrator can configure the integration: sam@acme.com has profile Standard',
    ]);
  });

  it('names each user who cannot be given access, and why', () => {
    const live = liveOrg({
      users: [
        { email: 'off@acme.com', status: 'disabled' },
        { email: 'gone@acme.com', status: 'deleted' },
        { email: 'new@acme.com', confirmed: false },
      ],
    });
    const d = desired({ users: ['off@acme.com', 'gone@acme.com', 'New@acme.com', 'nobody@acme.com', 'Owner@Acme.com'] });
    expect(problems(d, live)).toEqual([
      '11:5: off@acme.com is not active in CRM (status disabled); only active, confirmed CRM users can be given access',
      '12:5: gone@acme.com has been deleted from CRM; only active, confirmed CRM users can be given access',
      '13:5: new@acme.com has not confirmed their CRM invitation yet; only active, confirmed CRM users can be given access',
      '14:5: unknown user nobody@acme.com: no CRM user in this org has this email',
      '15:5: owner@acme.com owns portal acme-projects; Zoho never lists the portal owner among users: remove this entry',
    ]);
  });

  it('refuses the portal owner even when they are a CRM user', () => {
    const live = liveOrg({ users: ['owner@acme.com'] });
    expect(problems(desired({ users: ['owner@acme.com'] }), live)[0]).toMatch(/^11:5: owner@acme.com owns portal acme-projects/);
  });

  it('names an unknown profile and lists the known ones', () => {
    expect(problems(desired({ profiles: { Standard: ['view'], standard: ['view'] } }), liveOrg())).toEqual([
      '11:3: unknown profile "standard" (names are case-sensitive); this org\'s profiles: Administrator, Standard, Manager, Sales Rep',
    ]);
  });

  it('lists the portals that exist and how to make a new one', () => {
    const [msg] = problems(desired({ portal: { name: 'acme-old', zscKeyVar: 'K', zscEmail: 'a@acme.com' } }), liveOrg());
    expect(msg).toBe(
      `${POS.portal.line}:${POS.portal.col}: no portal is named "acme-old"; portals that exist: acme-projects (id 7001), ` +
        'acme-newco (id 7002). To use a new portal, sign up for Zoho Projects and create the portal there, then generate ' +
        'its ZSC key in Zoho Projects under Settings > Company Settings > Zoho Service Communication (ZSC) Key.',
    );
    expect(problems(desired({ portal: { id: '9', zscKeyVar: 'K', zscEmail: 'a' } }), liveOrg({ portals: [] }))).toEqual([
      '5:1: no portal has id "9"; these credentials reach no portal. To use a new portal, sign up for Zoho Projects and ' +
        'create the portal there, then generate its ZSC key in Zoho Projects under Settings > Company Settings > ' +
        'Zoho Service Communication (ZSC) Key.',
    ]);
  });

  it('refuses an id and a name that name different portals', () => {
    const d = desired({ portal: { id: '7001', name: 'acme-newco', zscKeyVar: 'K', zscEmail: 'a@acme.com' } });
    expect(problems(d, liveOrg())).toEqual([
      '5:1: portal id "7001" is acme-projects but name "acme-newco" is portal 7002; give one of them, or make them name the same portal',
    ]);
    const typo = desired({ portal: { id: '7001', name: 'acme-project', zscKeyVar: 'K', zscEmail: 'a@acme.com' } });
    expect(problems(typo, liveOrg())[0]).toMatch(/^5:1: no portal is named "acme-project"; portal id "7001" is named acme-projects; /);
  });

  it('needs the ZSC key reference and email only when a step associates', () => {
    const bare = desired({ portal: { name: 'acme-projects' } });
    expect(plan(bare, liveOrg(), planCtx()).steps).toEqual([]);
    expect(problems(bare, liveOrg({ integration: 'inactive' }))).toEqual([
      '5:1: associating portal acme-projects needs zscKey (a ${VAR} reference) and zscEmail: Zoho asks for the portal\'s ZSC key and the email it belongs to',
    ]);
    const noEmail = desired({ portal: { name: 'acme-newco', zscKeyVar: 'K' } });
    expect(problems(noEmail, liveOrg())[0]).toMatch(/^5:1: associating portal acme-newco needs zscEmail:/);
  });

  it('refuses a zscEmail that is not the owner the read shows, at its line, when a step (re)associates', () => {
    const typo = (zscEmail: string) =>
      desired({ portal: { name: 'acme-newco', zscKeyVar: 'K', zscEmail, zscEmailPos: { line: 8, col: 13 } } as never });
    expect(problems(typo('owner@acme.com'), liveOrg())).toEqual([
      "8:13: zscEmail owner@acme.com is not the owner of portal acme-newco (newco@acme.com): Zoho accepts only the ZSC key and email of the portal's owner",
    ]);
    const plans = (d: Desired, live: Live) => plan(d, live, planCtx({ allowDestructive: true })).steps.map((st) => st.kind);
    expect(plans(typo('newco@acme.com'), liveOrg())).toEqual(['change-portal']);
    // Real Zoho's portal object may show no owner: nothing to check against.
    const noOwner = liveOrg({ portals: PORTALS.map(({ ownerEmail: _o, ...p }) => p) });
    expect(plans(typo('owner@acme.com'), noOwner)).toEqual(['change-portal']);
    // Nothing to associate (the portal is already the one associated): the email is not used.
    const same = desired({ portal: { name: 'acme-projects', zscKeyVar: 'K', zscEmail: 'someone@acme.com' } });
    expect(plans(same, liveOrg())).toEqual([]);
  });

  it('needs a portal when active', () => {
    expect(problems(desired({ portal: null }), liveOrg())).toEqual(['4:8: state active needs a portal (its name or id)']);
  });

  it('reports every problem at once, in manifest order', () => {
    const live = liveOrg({ users: [{ email: 'sam@acme.com', profile: 'Standard' }], currentUser: 'sam@acme.com' });
    const d = desired({ org: '1', profiles: { Nope: [] }, users: ['x@acme.com'] });
    expect(problems(d, live).map((p) => p.split(':').slice(0, 2).join(':'))).toEqual(['3:6', '3:6', '10:3', '12:5']);
  });

  it('checks only org and administrator for a deactivated manifest', () => {
    const d = desired({ state: 'deactivated', portal: { name: 'gone' }, users: ['nobody@acme.com'], profiles: { Nope: [] } });
    expect(plan(d, liveOrg(), planCtx()).steps.map((s) => s.kind)).toEqual(['deactivate']);
    expect(problems({ ...d, org: '1' }, liveOrg())).toHaveLength(1);
  });

  it('formats the error as file:line:col: message lines', () => {
    expect(() => plan(desired({ org: '1', file: 'm/acme.yaml' }), liveOrg(), planCtx())).toThrow(
      /^m\/acme\.yaml:3:6: manifest governs org 1 but/,
    );
  });
});
