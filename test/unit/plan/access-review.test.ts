import { describe, expect, it } from 'vitest';
import type { LiveIntegration } from '../../../src/model/live.js';
import { accessReview } from '../../../src/plan/access-review.js';
import { applyExpiry } from '../../../src/plan/expiry.js';
import { explainUser } from '../../../src/plan/explain.js';
import { plan } from '../../../src/plan/index.js';
import { renderAccess } from '../../../src/render/render-access.js';
import { renderExplanation } from '../../../src/render/render-explain.js';
import { ALL, desired, liveOrg, planCtx, userId } from '../../helpers/builders.js';

const live = liveOrg({
  users: ['alice@acme.com', 'bob@acme.com', { email: 'erin@acme.com', profile: 'Manager' }, { email: '=cmd@acme.com', profile: 'Sales Rep' }],
  integration: {
    users: ['alice@acme.com', 'bob@acme.com', 'erin@acme.com', '=cmd@acme.com'],
    profilePermissions: { Standard: ['view', 'create'], Manager: ALL },
    userPermissions: { 'bob@acme.com': ['view'] },
  },
});
const integration = live.integration as LiveIntegration;
const ctx = { org: { id: '60012345678', name: 'Acme Corp' }, from: 'live' as const, at: '2026-11-30T00:00:00.000Z' };

describe('accessReview', () => {
  it('one row per user with access: effective permissions and where they come from', () => {
    const rows = accessReview(integration, live.users, desired({ users: [{ email: 'bob@acme.com' }] }));
    expect(rows.map((r) => [r.email, r.profile, r.view, r.create, r.edit, r.delete, r.source])).toEqual([
      ['=cmd@acme.com', 'Sales Rep', false, false, false, false, 'profile'],
      ['alice@acme.com', 'Standard', true, true, false, false, 'profile'],
      ['bob@acme.com', 'Standard', true, false, false, false, 'override'],
      ['erin@acme.com', 'Manager', true, true, true, true, 'profile'],
    ]);
  });

  it('CSV: the header the design names, true/false, an expires column only when some user has one, no formula cells', () => {
    const plain = renderAccess(accessReview(integration, live.users), 'csv', ctx).split('\r\n');
    expect(plain[0]).toBe('email,profile,view,create,edit,delete,source');
    expect(plain[1]).toBe("'=cmd@acme.com,Sales Rep,false,false,false,false,profile");
    const d = desired({ users: [{ email: 'alice@acme.com' }] });
    d.users[0] = { ...d.users[0], expires: '2027-01-31' } as (typeof d.users)[number];
    const dated = renderAccess(accessReview(integration, live.users, d), 'csv', ctx).split('\r\n');
    expect(dated[0]).toBe('email,profile,view,create,edit,delete,source,expires');
    expect(dated[2]).toBe('alice@acme.com,Standard,true,true,false,false,profile,2027-01-31');
  });
});

describe('expiry', () => {
  const d = desired({ users: ['alice@acme.com', 'bob@acme.com'] });
  d.users = d.users.map((u) => (u.email === 'bob@acme.com' ? { ...u, expires: '2027-01-31', expiresPos: { line: 20, col: 14 } } : u));

  it('a day that is over (UTC) drops the user; within 14 days it is noted; without a clock nothing expires', () => {
    expect(applyExpiry(d, undefined).desired).toBe(d);
    expect(applyExpiry(d, '2027-01-31T23:59:59Z').expired.size).toBe(0);
    expect(applyExpiry(d, '2027-01-31T23:59:59Z').notices).toEqual(["integration.yaml:20:14: bob@acme.com's access ends after 2027-01-31 (today is its last day)"]);
    expect(applyExpiry(d, '2027-01-17T00:00:00Z').notices).toEqual(["integration.yaml:20:14: bob@acme.com's access ends after 2027-01-31 (in 14 days)"]);
    expect(applyExpiry(d, '2027-01-16T00:00:00Z').notices).toEqual([]);
    const over = applyExpiry(d, '2027-02-01T00:00:00Z');
    expect(over.desired.users.map((u) => u.email)).toEqual(['alice@acme.com']);
    expect(over.expired.get('bob@acme.com')).toEqual({ expires: '2027-01-31', pos: { line: 20, col: 14 } });
  });

  it('the plan revokes an expired user with the reason and the expires line, or does not grant them', () => {
    const had = liveOrg({ users: ['alice@acme.com', 'bob@acme.com'], integration: { users: ['alice@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ['view'] } } });
    const p = plan(d, had, { ...planCtx({ maxRevokePct: 100 }), now: '2027-02-01T00:00:00Z' });
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ id: 'revoke-user:bob@acme.com', expired: '2027-01-31', source: { file: 'integration.yaml', line: 20, col: 14 } });
    expect(p.access.find((a) => a.email === 'bob@acme.com')).toMatchObject({ change: 'loses', expired: '2027-01-31' });
    const fresh = liveOrg({ users: ['alice@acme.com', 'bob@acme.com'], integration: { users: [] } });
    expect(plan(d, fresh, { ...planCtx(), now: '2027-02-01T00:00:00Z' }).steps.map((s) => s.id)).toEqual(['grant-user:alice@acme.com']);
  });
});

describe('explainUser', () => {
  it('a user with an override: now and after, their entry and their profile, the steps that change them', () => {
    const d = desired({ profiles: { Standard: ['view', 'create', 'edit'] }, users: ['alice@acme.com', { email: 'bob@acme.com', permissions: ['view', 'edit'] }] });
    const p = plan(d, live, planCtx({ maxRevokePct: 100 }));
    const e = explainUser('Bob@Acme.com', d, live, integration, p);
    expect(e).toMatchObject({
      email: 'bob@acme.com',
      user: { profile: 'Standard' },
      now: { access: true, permissions: ['view'], override: ['view'], profilePermissions: ['view', 'create'] },
      after: { access: true, permissions: ['view', 'edit'], override: ['view', 'edit'], profilePermissions: ['view', 'create', 'edit'] },
      manifest: { listed: { line: 13, col: 5 }, profile: { line: 10, col: 3 } },
    });
    expect(e?.steps.map((s) => s.id)).toEqual(['set-user-permissions:bob@acme.com', 'set-profile-permissions:Standard']);
    const text = renderExplanation(e as NonNullable<typeof e>, 'integration.yaml');
    expect(text).toContain('Now:   view (per-user permissions; profile Standard would give view,create)\n');
    expect(text).toContain('After: view,edit (per-user permissions; profile Standard would give view,create,edit)\n');
    expect(text).toContain('  - listed under users: at integration.yaml:13:5, with permissions: [view, edit]\n');
  });

  it('a user the manifest leaves out: no access after, because of the users: key', () => {
    const d = desired({ users: ['alice@acme.com'] });
    const e = explainUser('erin@acme.com', d, live, integration, plan(d, live, planCtx({ maxRevokePct: 100 })));
    expect(e?.after).toMatchObject({ access: false, permissions: [] });
    expect(renderExplanation(e as NonNullable<typeof e>, 'integration.yaml')).toContain('not listed under users: (integration.yaml:10:1), so no access');
    expect(explainUser('nobody@acme.com', d, live, integration, plan(d, live, planCtx({ maxRevokePct: 100 })))).toBeUndefined();
    expect(userId('erin@acme.com')).toBe('u-erin');
  });
});
