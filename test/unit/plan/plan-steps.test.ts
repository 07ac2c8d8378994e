import { describe, expect, it } from 'vitest';
import type { Permission } from '../../../src/model/permissions.js';
import type { Step } from '../../../src/model/plan.js';
import { printedSteps } from '../../../src/model/plan-document.js';
import { apiCallsOf, planSummary } from '../../../src/model/summarize-plan.js';
import { plan } from '../../../src/plan/index.js';
import { applyInMemory } from '../../helpers/apply-in-memory.js';
import { ALL, desired, liveOrg, planCtx } from '../../helpers/builders.js';

const ids = (steps: Step[]): string[] => steps.map((s) => s.id);
const ctx = planCtx();

describe('plan: no-op', () => {
  it('yields no steps when live matches desired', () => {
    const live = liveOrg({
      users: ['alice@acme.com', { email: 'bob@acme.com', profile: 'Manager' }],
      integration: {
        users: ['alice@acme.com', 'bob@acme.com'],
        profilePermissions: { Standard: ['view'], Manager: ALL },
        userPermissions: { 'bob@acme.com': ['view', 'create'] },
      },
    });
    const d = desired({
      profiles: { Standard: ['view'], Manager: ALL },
      users: ['alice@acme.com', { email: 'bob@acme.com', permissions: ['view', 'create'] }],
    });
    const p = plan(d, live, ctx);
    expect(p.steps).toEqual([]);
    expect(p.access).toEqual([]);
    expect(planSummary(p)).toEqual({ add: 0, change: 0, remove: 0, destructive: 0 });
    expect(apiCallsOf(p)).toBe(0);
    expect(p.brake).toBeNull();
    expect(p.manual).toBe(false);
  });

  it('treats a profile without permissions and one set to [] alike', () => {
    const p = plan(desired({ profiles: { 'Sales Rep': [] } }), liveOrg(), ctx);
    expect(p.steps).toEqual([]);
  });

  it('leaves unlisted profiles alone', () => {
    const live = liveOrg({ integration: { profilePermissions: { Manager: ALL } } });
    expect(plan(desired(), live, ctx).steps).toEqual([]);
  });

  it('compares emails case-insensitively', () => {
    const live = liveOrg({ users: ['carol@acme.com'], integration: { users: ['carol@acme.com'] } });
    expect(plan(desired({ users: ['Carol@ACME.com'] }), live, ctx).steps).toEqual([]);
    const fresh = plan(desired({ users: ['Carol@ACME.com'] }), liveOrg({ users: ['carol@acme.com'] }), ctx);
    expect(ids(fresh.steps)).toEqual(['grant-user:carol@acme.com']);
    expect(fresh.steps[0]).toMatchObject({ user: { id: 'u-carol', email: 'carol@acme.com' } });
  });
});

describe('plan: step kinds and order', () => {
  it('orders revoke → override set → profile → grant (with override) steps, each sorted', () => {
    const live = liveOrg({
      users: ['zed@acme.com', 'yan@acme.com', 'bob@acme.com', 'amy@acme.com', 'cat@acme.com', 'dan@acme.com'],
      integration: { users: ['zed@acme.com', 'yan@acme.com', 'cat@acme.com'], profilePermissions: { Standard: ['view'] } },
    });
    const d = desired({
      profiles: { Standard: ['view', 'create'], Manager: ALL, Administrator: ALL },
      users: [
        { email: 'dan@acme.com', permissions: ['view'] },
        'bob@acme.com',
        { email: 'cat@acme.com', permissions: ['view'] },
        'amy@acme.com',
      ],
    });
    const p = plan(d, live, ctx);
    expect(ids(p.steps)).toEqual([
      'revoke-user:yan@acme.com',
      'revoke-user:zed@acme.com',
      'set-user-permissions:cat@acme.com',
      'set-profile-permissions:Administrator',
      'set-profile-permissions:Manager',
      'set-profile-permissions:Standard',
      'grant-user:amy@acme.com',
      'grant-user:bob@acme.com',
      'grant-user:dan@acme.com',
    ]);
    // dan's override travels with the grant: no separate step.
    expect(p.steps[8]).toMatchObject({ override: ['view'], after: ['view'] });
    expect(planSummary(p)).toEqual({ add: 3, change: 4, remove: 2, destructive: 2 }); // 2 of 3 revoked: the brake
    expect(apiCallsOf(p)).toBe(4);
  });

  it('describes each step: revoke, per-user, profile, grant', () => {
    const live = liveOrg({
      users: ['alice@acme.com', 'bob@acme.com', { email: 'erin@acme.com', profile: 'Manager' }],
      integration: {
        users: ['bob@acme.com', 'erin@acme.com'],
        profilePermissions: { Standard: ['view', 'create', 'edit'], Manager: ALL },
        userPermissions: { 'bob@acme.com': ['view', 'create'] },
      },
    });
    const d = desired({
      profiles: { Standard: ['view'] },
      users: ['alice@acme.com', { email: 'bob@acme.com', permissions: ['view', 'create', 'edit'] }],
    });
    // As printed: each step with its plan's manual flag.
    const [revoke, user, profile, grant] = printedSteps(plan(d, live, planCtx({ maxRevokePct: 100 })));
    expect(profile).toEqual({
      id: 'set-profile-permissions:Standard', kind: 'set-profile-permissions', action: 'update', target: 'Standard',
      destructive: false, manual: false, profile: { id: '101', name: 'Standard' },
      before: ['view', 'create', 'edit'], after: ['view'],
      source: { file: 'integration.yaml', line: 10, col: 3 }, // the profile's line
    });
    expect(grant).toEqual({
      id: 'grant-user:alice@acme.com', kind: 'grant-user', action: 'create', target: 'alice@acme.com',
      destructive: false, manual: false, user: { id: 'u-alice', email: 'alice@acme.com' }, override: null,
      before: null, after: ['view'], reason: { kind: 'profile', profile: 'Standard' },
      source: { file: 'integration.yaml', line: 12, col: 5 }, // alice's entry
    });
    expect(user).toEqual({
      id: 'set-user-permissions:bob@acme.com', kind: 'set-user-permissions', action: 'update', target: 'bob@acme.com',
      destructive: false, manual: false, user: { id: 'u-bob', email: 'bob@acme.com' },
      before: ['view', 'create'], after: ['view', 'create', 'edit'],
      effective: { before: ['view', 'create'], after: ['view', 'create', 'edit'], reason: { kind: 'override' } },
      source: { file: 'integration.yaml', line: 13, col: 5 }, // bob's entry
    });
    expect(revoke).toEqual({
      id: 'revoke-user:erin@acme.com', kind: 'revoke-user', action: 'delete', target: 'erin@acme.com',
      destructive: false, manual: false, user: { id: 'u-erin', email: 'erin@acme.com' },
      before: ALL, after: null, reason: { kind: 'profile', profile: 'Manager' },
      source: { file: 'integration.yaml', line: 11, col: 1 }, // the users: key erin is not listed under
    });
  });

  it('associates a portal on an inactive integration, then plans against an empty one', () => {
    const live = liveOrg({ users: ['alice@acme.com'], integration: 'inactive' });
    const d = desired({ profiles: { Standard: ['view'] }, users: ['alice@acme.com'] });
    const p = plan(d, live, ctx);
    expect(ids(p.steps)).toEqual([
      'associate-portal:acme-projects',
      'set-profile-permissions:Standard',
      'grant-user:alice@acme.com',
    ]);
    expect(p.steps[0]).toMatchObject({
      action: 'create',
      destructive: false,
      before: { portal: null },
      after: { portal: { id: '7001', name: 'acme-projects' }, zscEmail: 'owner@acme.com', zscKeyVar: 'ZPI_ZSC_KEY' },
    });
    expect(planSummary(p)).toEqual({ add: 2, change: 1, remove: 0, destructive: 0 });
  });

  it('finds the portal by id too', () => {
    const d = desired({ portal: { id: '7002', zscKeyVar: 'K', zscEmail: 'newco@acme.com' } });
    const p = plan(d, liveOrg({ integration: 'inactive' }), ctx);
    expect(ids(p.steps)).toEqual(['associate-portal:acme-newco']);
  });

  it('swaps portals in one destructive change-portal step, then re-grants from scratch', () => {
    const links = { Accounts: 30, Contacts: 12, Deals: 4 };
    const live = liveOrg({
      users: ['alice@acme.com', 'bob@acme.com'],
      integration: { users: ['alice@acme.com', 'bob@acme.com'], profilePermissions: { Standard: ['view'], Manager: ALL } },
      links,
    });
    const d = desired({
      portal: { name: 'acme-newco', zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: 'newco@acme.com' },
      profiles: { Standard: ['view'] },
      users: ['alice@acme.com'],
    });
    const p = plan(d, live, ctx);
    expect(ids(p.steps)).toEqual([
      'change-portal:acme-newco',
      'set-profile-permissions:Standard',
      'grant-user:alice@acme.com',
    ]);
    expect(printedSteps(p)[0]).toEqual({
      id: 'change-portal:acme-newco', kind: 'change-portal', action: 'replace', target: 'acme-newco',
      destructive: true, manual: false, blastRadius: links,
      before: { portal: { id: '7001', name: 'acme-projects' } },
      after: { portal: { id: '7002', name: 'acme-newco' }, zscEmail: 'newco@acme.com', zscKeyVar: 'ZPI_ZSC_KEY' },
      source: { file: 'integration.yaml', line: 5, col: 1 },
    });
    expect(p.steps[1]).toMatchObject({ before: null, after: ['view'] });
    // As in DESIGN §9: the portal replace is one change.
    expect(planSummary(p)).toEqual({ add: 1, change: 2, remove: 0, destructive: 1 });
    expect(apiCallsOf(p)).toBe(3);
  });

  it('deactivates an active integration in one destructive step and does nothing when inactive', () => {
    const links = { Accounts: 3, Contacts: 2, Deals: 1 };
    const live = liveOrg({ users: ['alice@acme.com'], integration: { users: ['alice@acme.com'] }, links });
    const d = desired({ state: 'deactivated', portal: null, warnings: ['integration.yaml:7:1: users are ignored'] });
    const p = plan(d, live, ctx);
    expect(printedSteps(p)).toEqual([
      {
        id: 'deactivate:acme-projects', kind: 'deactivate', action: 'delete', target: 'acme-projects',
        destructive: true, manual: false, before: { portal: { id: '7001', name: 'acme-projects' } }, after: null,
        blastRadius: links, source: { file: 'integration.yaml', line: 4, col: 8 },
      },
    ]);
    expect(planSummary(p)).toEqual({ add: 0, change: 0, remove: 1, destructive: 1 });
    expect(p.warnings).toEqual(['integration.yaml:7:1: users are ignored']);
    expect(plan(d, liveOrg({ integration: 'inactive' }), ctx).steps).toEqual([]);
  });

  it('leaves blastRadius out when links were not read', () => {
    const p = plan(desired({ state: 'deactivated' }), liveOrg(), ctx);
    expect(p.steps[0]).not.toHaveProperty('blastRadius');
  });
});

describe('plan: per-user overrides, reconciled as declared', () => {
  const bob = (userPermissions: Record<string, Permission[]> = {}) =>
    liveOrg({ users: ['bob@acme.com'], integration: { users: ['bob@acme.com'], profilePermissions: { Standard: ['view'] }, userPermissions } });

  it('keeps an override equal to the profile as an override (it pins the user), and removes one not declared', () => {
    const pin = plan(desired({ users: [{ email: 'bob@acme.com', permissions: ['view'] }] }), bob(), ctx).steps;
    expect(pin).toHaveLength(1);
    expect(pin[0]).toMatchObject({ kind: 'set-user-permissions', before: null, after: ['view'], effective: { before: ['view'], after: ['view'] } });
    const unpin = plan(desired({ users: ['bob@acme.com'] }), bob({ 'bob@acme.com': ['view'] }), ctx).steps;
    expect(unpin).toHaveLength(1);
    expect(unpin[0]).toMatchObject({ kind: 'set-user-permissions', before: ['view'], after: null });
    expect(plan(desired({ users: [{ email: 'bob@acme.com', permissions: ['view'] }] }), bob({ 'bob@acme.com': ['view'] }), ctx).steps).toEqual([]);
  });

  it('removes an override (after: null) when the profile would give something else', () => {
    const live = bob({ 'bob@acme.com': ['view', 'edit'] });
    const p = plan(desired({ users: ['bob@acme.com'] }), live, ctx);
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ kind: 'set-user-permissions', before: ['view', 'edit'], after: null });
  });

  it('sets an override when a profile change would otherwise move the user', () => {
    const live = bob();
    const d = desired({ profiles: { Standard: ['view', 'create'] }, users: [{ email: 'bob@acme.com', permissions: ['view'] }] });
    // The pin comes first: bob never holds the raised profile's create.
    expect(plan(d, live, ctx).steps.map((s) => [s.id, s.after])).toEqual([
      ['set-user-permissions:bob@acme.com', ['view']],
      ['set-profile-permissions:Standard', ['view', 'create']],
    ]);
  });

  it('grants a new user with the override in the same step', () => {
    const live = liveOrg({ users: ['new@acme.com', 'same@acme.com'], integration: { profilePermissions: { Standard: ['view'] } } });
    const d = desired({
      users: [{ email: 'new@acme.com', permissions: ['view', 'edit'] }, { email: 'same@acme.com', permissions: ['view'] }],
    });
    const p = plan(d, live, ctx);
    expect(ids(p.steps)).toEqual(['grant-user:new@acme.com', 'grant-user:same@acme.com']);
    expect(p.steps[0]).toMatchObject({ override: ['view', 'edit'], after: ['view', 'edit'], reason: { kind: 'override' } });
    expect(p.steps[1]).toMatchObject({ override: ['view'], after: ['view'], reason: { kind: 'override' } });
    expect(apiCallsOf(p)).toBe(1);
  });

  it('uses the live permissions of an unmanaged profile', () => {
    const live = liveOrg({ users: [{ email: 'mia@acme.com', profile: 'Manager' }], integration: { profilePermissions: { Manager: ['view', 'edit'] } } });
    const p = plan(desired({ users: ['mia@acme.com'] }), live, ctx);
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ kind: 'grant-user', after: ['view', 'edit'], reason: { kind: 'profile', profile: 'Manager' } });
  });
});

describe('plan: profile names from people', () => {
  it('treats names like "constructor" and "__proto__" as plain profiles', () => {
    const names = ['constructor', 'toString', '__proto__'];
    const live = liveOrg({
      profiles: ['Administrator', ...names],
      users: names.map((profile, i) => ({ email: `p${i}@acme.com`, profile })),
    });
    const profiles = JSON.parse('{"constructor": ["view"], "__proto__": ["view", "edit"]}') as Record<string, Permission[]>;
    const p = plan(desired({ profiles, users: ['p0@acme.com', 'p1@acme.com', 'p2@acme.com'] }), live, ctx);
    expect(p.steps.map((s) => [s.id, s.after])).toEqual([
      ['set-profile-permissions:__proto__', ['view', 'edit']],
      ['set-profile-permissions:constructor', ['view']],
      ['grant-user:p0@acme.com', ['view']],
      ['grant-user:p1@acme.com', []],
      ['grant-user:p2@acme.com', ['view', 'edit']],
    ]);
  });
});

describe('plan: API call estimate', () => {
  it('batches grants and revokes 100 a call and sets profiles and overrides in one call each', () => {
    const emails = Array.from({ length: 250 }, (_, i) => `user${String(i).padStart(3, '0')}@acme.com`);
    const old = Array.from({ length: 101 }, (_, i) => `old${String(i).padStart(3, '0')}@acme.com`);
    const live = liveOrg({ users: [...emails, ...old], integration: { users: old } });
    const d = desired({
      profiles: { Standard: ['view'], Manager: ['view'] },
      users: emails.map((email, i) => (i < 2 ? { email, permissions: ['view', 'edit'] } : email)),
    });
    const p = plan(d, live, planCtx({ maxRevokePct: 100 }));
    // 101 revokes → 2, 2 profiles → 1, 250 grants (2 carrying their override) → 3
    expect(apiCallsOf(p)).toBe(6);
  });
});

describe('plan: applying converges', () => {
  it('plans nothing after its own steps are applied', () => {
    const live = liveOrg({
      users: ['alice@acme.com', 'bob@acme.com', { email: 'erin@acme.com', profile: 'Manager' }, 'frank@acme.com'],
      integration: {
        users: ['bob@acme.com', 'erin@acme.com'],
        profilePermissions: { Standard: ['view', 'create', 'edit'], Manager: ALL },
        userPermissions: { 'bob@acme.com': ['view', 'create'] },
      },
    });
    for (const d of [
      desired({ profiles: { Standard: ['view'] }, users: ['alice@acme.com', { email: 'frank@acme.com', permissions: ['view', 'edit'] }] }),
      desired({ portal: { name: 'acme-newco', zscKeyVar: 'K', zscEmail: 'newco@acme.com' }, users: ['bob@acme.com'] }),
      desired({ state: 'deactivated' }),
    ]) {
      const first = plan(d, live, planCtx({ maxRevokePct: 100 }));
      expect(first.steps.length).toBeGreaterThan(0);
      expect(plan(d, applyInMemory(live, first.steps), ctx).steps).toEqual([]);
    }
  });
});

describe('plan: warnings', () => {
  it('warns at the user line when a grant gives no permissions (profile not managed, no override)', () => {
    const live = liveOrg({ users: [{ email: 'erin@acme.com', profile: 'Manager' }], integration: { users: [] } });
    const p = plan(desired({ profiles: { Standard: ['view'] }, users: ['erin@acme.com'] }), live, ctx);
    expect(ids(p.steps)).toEqual(['set-profile-permissions:Standard', 'grant-user:erin@acme.com']);
    expect(p.warnings).toEqual([
      'integration.yaml:12:5: erin@acme.com is granted access but gets no permissions: profile Manager gives none on projects ' +
        '(list the profile under profiles:, or give the user permissions:)',
    ]);
  });

  it('does not warn when the grant gives permissions', () => {
    const live = liveOrg({ users: [{ email: 'erin@acme.com', profile: 'Manager' }], integration: { users: [] } });
    const p = plan(desired({ profiles: { Manager: ['view'] }, users: ['erin@acme.com'] }), live, ctx);
    expect(p.warnings).toEqual([]);
  });
});
