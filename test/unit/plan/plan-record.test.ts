/**
 * The record (DESIGN §5a) as an input of the pure planner: on real Zoho (settings unreadable) it is
 * the state plan diffs against; where the settings can be read, live is compared with it and every
 * difference is drift, with `undone` when a step puts the manifest's value back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Live } from '../../../src/model/live.js';
import { printedSteps } from '../../../src/model/plan-document.js';
import { NOTHING_CONFIGURED, settingsOf, withSteps, type RecordSection } from '../../../src/model/record.js';
import { plan } from '../../../src/plan/index.js';
import { compareSettings } from '../../../src/plan/reconcile-record.js';
import { applyInMemory } from '../../helpers/apply-in-memory.js';
import { EMAILS, planScenario } from '../../helpers/arbitraries.js';
import { ALL, desired, liveOrg, planCtx, PORTALS, PROFILES, userId, type DesiredSpec, type LiveSpec } from '../../helpers/builders.js';

const PEOPLE = ['alice@acme.com', 'bob@acme.com', { email: 'erin@acme.com', profile: 'Manager' }, 'frank@acme.com', 'grace@acme.com'];

/** The org as a manifest left it: acme-projects, three users, two profiles, grace pinned to view. */
const applied = {
  users: ['alice@acme.com', 'bob@acme.com', 'grace@acme.com'],
  profilePermissions: { Standard: ['view', 'create'], Manager: ALL },
  userPermissions: { 'grace@acme.com': ['view'] },
} as const;
const manifest = (over: Pick<DesiredSpec, 'users' | 'profiles'> = {}) =>
  desired({
    profiles: over.profiles ?? { Standard: ['view', 'create'], Manager: ALL },
    users: over.users ?? ['alice@acme.com', 'bob@acme.com', { email: 'grace@acme.com', permissions: ['view'] }],
  });

function readable(spec: LiveSpec = {}): Live {
  return liveOrg({
    users: PEOPLE,
    integration: {
      users: [...applied.users],
      profilePermissions: { Standard: ['view', 'create'], Manager: [...ALL] },
      userPermissions: { 'grace@acme.com': ['view'] },
    },
    ...spec,
  });
}

function section(live: Live, extra: Partial<RecordSection> = {}): RecordSection {
  return {
    org: { id: live.org.id, name: live.org.companyName },
    target: { endpointKind: 'zoho', endpoint: 'zoho.com' },
    settings: settingsOf(live.integration ?? (readable().integration as NonNullable<Live['integration']>), live.users),
    history: [{ at: '2026-11-29T10:00:00.000Z', by: 'admin@acme.com', action: 'apply', manifestHash: 'h', did: [] }],
    ...extra,
  };
}

const zoho = (record: RecordSection | undefined, extra: Parameters<typeof planCtx>[0] = {}) => ({ ...planCtx({ endpointKind: 'zoho', ...extra }), ...(record && { record }) });

describe('real Zoho: the record is the state', () => {
  const unreadable = (users: LiveSpec['users'] = PEOPLE): Live => liveOrg({ users, integration: null });
  const recorded = section(readable());

  it('no record: plans from nothing configured, as before', () => {
    const p = plan(manifest(), unreadable(), zoho(undefined));
    expect(p.steps[0]?.kind).toBe('associate-portal');
    expect(p.record).toBeUndefined();
    expect(p.drift).toEqual([]);
  });

  it('a record equal to the manifest: no changes', () => {
    const p = plan(manifest(), unreadable(), zoho(recorded));
    expect(p.steps).toEqual([]);
    expect(p.drift).toEqual([]);
    expect(p.record).toMatchObject({ at: '2026-11-29T10:00:00.000Z', by: 'admin@acme.com' });
  });

  it('a revision that drops one user, adds one and changes one profile shows exactly those three', () => {
    const d = manifest({ profiles: { Standard: ['view'], Manager: ALL }, users: ['alice@acme.com', 'frank@acme.com', { email: 'grace@acme.com', permissions: ['view'] }] });
    const p = plan(d, unreadable(), zoho(recorded, { maxRevokePct: 100 }));
    expect(p.steps.map((s) => s.id)).toEqual(['revoke-user:bob@acme.com', 'set-profile-permissions:Standard', 'grant-user:frank@acme.com']);
    expect(printedSteps(p).every((s) => s.manual)).toBe(true);
  });

  it('reports what real Zoho shows of recorded users, profiles and portals, and leaves them out', () => {
    const users = [
      'alice@acme.com',
      { email: 'bob@acme.com', status: 'disabled' },
      { email: 'erin@acme.com', profile: 'Manager' },
      'frank@acme.com',
      { email: 'grace@acme.com', confirmed: false },
    ];
    const live = liveOrg({ users, integration: null, profiles: PROFILES.filter((n) => n !== 'Manager') });
    const d = manifest({ profiles: { Standard: ['view', 'create'] }, users: ['alice@acme.com'] });
    const p = plan(d, live, zoho(recorded));
    expect(p.drift?.map((x) => [x.subject, x.target, x.cause, x.undone])).toEqual([
      ['profile', 'Manager', 'gone', false],
      ['user', 'bob@acme.com', 'inactive', false],
      ['user', 'grace@acme.com', 'unconfirmed', false],
    ]);
    // Nothing to revoke for them: they are no longer in Setup's list.
    expect(p.steps).toEqual([]);

    const gone = liveOrg({ users: PEOPLE.filter((u) => u !== 'bob@acme.com'), integration: null, portals: PORTALS.filter((x) => x.name !== 'acme-projects') });
    const q = plan(desired({ portal: { name: 'acme-newco', zscKeyVar: 'K', zscEmail: 'newco@acme.com' }, users: ['alice@acme.com'] }), gone, zoho(recorded));
    expect(q.drift?.map((x) => [x.subject, x.target, x.cause])).toEqual([['portal', 'acme-projects', 'gone']]);
    expect(q.steps[0]?.kind).toBe('associate-portal');
  });

  it('a recorded deactivation is known: a deactivated manifest has nothing to do', () => {
    const off = section(readable(), { settings: NOTHING_CONFIGURED });
    expect(plan(desired({ state: 'deactivated', portal: null }), unreadable(), zoho(off)).steps).toEqual([]);
    // Without a record zpi cannot know, so the admin is asked to make sure.
    expect(plan(desired({ state: 'deactivated', portal: null }), unreadable(), zoho(undefined, { allowDestructive: true })).steps.map((s) => s.kind)).toEqual(['deactivate']);
  });
});

describe('readable settings: drift told apart', () => {
  const live = readable();
  const record = section(live, { target: { endpointKind: 'sandbox', endpoint: 'sandbox' } });
  const ctx = () => ({ ...planCtx({ maxRevokePct: 100 }), record });

  it('live equal to the record: no drift, and manifest changes are not drift', () => {
    expect(plan(manifest(), live, ctx()).drift).toEqual([]);
    const more = plan(manifest({ users: ['alice@acme.com', 'bob@acme.com', 'frank@acme.com', { email: 'grace@acme.com', permissions: ['view'] }] }), live, ctx());
    expect(more.steps.map((s) => s.id)).toEqual(['grant-user:frank@acme.com']);
    expect(more.drift).toEqual([]);
  });

  it('names every change made outside zpi, before → after, and which ones the plan puts back', () => {
    const changed = readable({
      integration: {
        users: ['alice@acme.com', 'grace@acme.com', 'erin@acme.com'],
        profilePermissions: { Standard: ['view', 'create', 'edit'], Manager: [...ALL], 'Sales Rep': ['view'] },
        userPermissions: { 'grace@acme.com': ['view', 'create'] },
      },
    });
    const p = plan(manifest(), changed, ctx());
    expect(p.drift).toEqual([
      { subject: 'profile', target: 'Sales Rep', recorded: null, found: ['view'], cause: 'changed', undone: false },
      { subject: 'profile', target: 'Standard', recorded: ['view', 'create'], found: ['view', 'create', 'edit'], cause: 'changed', undone: true },
      { subject: 'user', target: 'bob@acme.com', recorded: 'access', found: null, cause: 'changed', undone: true },
      { subject: 'user', target: 'erin@acme.com', recorded: null, found: 'access', cause: 'changed', undone: true },
      { subject: 'override', target: 'grace@acme.com', recorded: ['view'], found: ['view', 'create'], cause: 'changed', undone: true },
    ]);
  });

  it('a deactivation or portal change in Setup is one drift, not one per user', () => {
    const off = readable({ integration: 'inactive' });
    expect(plan(manifest(), off, ctx()).drift).toEqual([{ subject: 'status', target: 'integration', recorded: 'active', found: 'inactive', cause: 'changed', undone: true }]);
    const swapped = readable({ integration: { portal: 'acme-newco' } });
    expect(plan(manifest(), swapped, ctx()).drift?.map((d) => [d.subject, d.recorded, d.found, d.undone])).toEqual([['portal', 'acme-projects', 'acme-newco', true]]);
  });

  it('what a call in flight when zpi died may have done is not drift', () => {
    const grantFrank = plan(manifest({ users: ['alice@acme.com', 'bob@acme.com', 'frank@acme.com', { email: 'grace@acme.com', permissions: ['view'] }] }), live, ctx());
    const landed = applyInMemory(live, grantFrank.steps);
    // As the record holds them: printed, with the plan's manual flag.
    const pending = { ...record, pending: printedSteps(grantFrank) };
    expect(plan(manifest(), landed, { ...ctx(), record: pending }).drift).toEqual([]);
    // Without the pending note the same state is drift.
    expect(plan(manifest(), landed, ctx()).drift?.map((d) => d.target)).toEqual(['frank@acme.com']);
  });
});

describe('withSteps: the record after a plan is what Zoho ends with', () => {
  const scenario = fc.tuple(planScenario(PROFILES), fc.nat()).map(([sc, cut]) => ({ ...sc, cut }));


  it('after any prefix of a plan, withSteps(record) equals the settings Zoho holds', () => {
    fc.assert(
      fc.property(scenario, ({ profiles, live: spec, want, cut }) => {
        const live = liveOrg({ users: EMAILS.map((email, i) => ({ email, profile: profiles[i] })), integration: spec });
        const d = desired({
          state: want.state,
          portal: { name: want.portal, zscKeyVar: 'K', zscEmail: PORTALS.find((p) => p.name === want.portal)?.ownerEmail ?? '' },
          profiles: want.profiles,
          users: want.users.map((email) => ({ email, ...(want.overrides[email] && { permissions: want.overrides[email] }) })),
        });
        const steps = plan(d, live, planCtx({ maxRevokePct: 100 })).steps;
        const prefix = steps.slice(0, steps.length === 0 ? 0 : cut % (steps.length + 1));
        const after = applyInMemory(live, prefix);
        const start = settingsOf(live.integration as NonNullable<Live['integration']>, live.users);
        expect(withSteps(start, prefix)).toEqual(settingsOf(after.integration as NonNullable<Live['integration']>, after.users));
        expect(compareSettings(withSteps(start, prefix), settingsOf(after.integration as NonNullable<Live['integration']>, after.users))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('ids stay the users', () => {
    const s = withSteps(NOTHING_CONFIGURED, plan(manifest(), liveOrg({ users: PEOPLE, integration: null }), planCtx({ endpointKind: 'zoho' })).steps);
    expect(s.users.map((u) => u.id)).toEqual(['alice@acme.com', 'bob@acme.com', 'grace@acme.com'].map(userId));
    expect(s.users[2]).toEqual({ id: userId('grace@acme.com'), email: 'grace@acme.com', permissions: ['view'] });
  });
});
