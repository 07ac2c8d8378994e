import type { Permission } from '../../../src/model/permissions.js';
import { PLAN_FORMAT_VERSION, type Plan, type Step } from '../../../src/model/plan.js';

// Plans built by hand: the executor must run whatever a Plan says, so its tests do not go through plan().
// A plan is manual as a whole: makePlan(steps, { manual: true }).

type Extra = { destructive?: boolean };
const base = (x: Extra) => ({ destructive: x.destructive ?? false });

export const grant = (email: string, id: string, x: Extra = {}): Step => ({
  id: `grant-user:${email}`,
  kind: 'grant-user',
  action: 'create',
  target: email,
  ...base(x),
  user: { id, email },
  override: null,
  before: null,
  after: ['view'],
});

export const revoke = (email: string, id: string, x: Extra = {}): Step => ({
  id: `revoke-user:${email}`,
  kind: 'revoke-user',
  action: 'delete',
  target: email,
  ...base(x),
  user: { id, email },
  before: ['view'],
  after: null,
});

export const profilePerms = (name: string, id: string, after: Permission[], x: Extra = {}): Step => ({
  id: `set-profile-permissions:${name}`,
  kind: 'set-profile-permissions',
  action: 'update',
  target: name,
  ...base(x),
  profile: { id, name },
  before: ['view', 'create', 'edit'],
  after,
});

export const userPerms = (email: string, id: string, after: Permission[] | null, x: Extra = {}): Step => ({
  id: `set-user-permissions:${email}`,
  kind: 'set-user-permissions',
  action: 'update',
  target: email,
  ...base(x),
  user: { id, email },
  before: null,
  after,
});

export const associate = (name: string, id: string, zscKeyVar = 'ZPI_ZSC_KEY', x: Extra = {}): Step => ({
  id: `associate-portal:${name}`,
  kind: 'associate-portal',
  action: 'create',
  target: name,
  ...base(x),
  before: { portal: null },
  after: { portal: { id, name }, zscEmail: 'owner@acme.com', zscKeyVar },
});

export const changePortal = (from: { id: string; name: string }, to: { id: string; name: string }, zscKeyVar = 'ZPI_ZSC_KEY', x: Extra = {}): Step => ({
  id: `change-portal:${to.name}`,
  kind: 'change-portal',
  action: 'replace',
  target: to.name,
  ...base({ destructive: true, ...x }),
  before: { portal: from },
  after: { portal: to, zscEmail: 'owner@acme.com', zscKeyVar },
  blastRadius: { Accounts: 30, Contacts: 12, Deals: 4 },
});

export const deactivate = (name: string, id: string, x: Extra = {}): Step => ({
  id: `deactivate:${name}`,
  kind: 'deactivate',
  action: 'delete',
  target: name,
  ...base({ destructive: true, ...x }),
  before: { portal: { id, name } },
  after: null,
});

/** n users u<i>@acme.com with ids 1000+i. */
export const users = (n: number, from = 0): { email: string; id: string }[] =>
  Array.from({ length: n }, (_, i) => ({ email: `u${from + i}@acme.com`, id: String(1000 + from + i) }));

export function makePlan(steps: Step[], over: Partial<Plan> = {}): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    manifest: { file: 'integration.yaml', hash: 'sha256:m' },
    target: { org: { id: '60012345678', name: 'Acme' }, endpointKind: 'sandbox', endpoint: 'http://127.0.0.1:1' },
    liveFingerprint: 'sha256:l',
    options: { allowDestructive: false, maxRevokePct: 25 },
    steps,
    access: [],
    brake: null,
    manual: false,
    warnings: [],
    ...over,
  };
}

/** The steps of `plan` not done yet, as the next run's plan (what re-planning would yield). */
export function rest(plan: Plan, done: string[]): Plan {
  return makePlan(plan.steps.filter((s) => !done.includes(s.id)), { options: plan.options, manual: plan.manual });
}
