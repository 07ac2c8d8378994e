/**
 * Every manifest in examples/ against a fresh sandbox seeded with examples/sandbox/org.json, as its
 * header comment promises: the exact steps of the plan, who gains and who loses access, which steps
 * are destructive (only the portal swap and deactivation, which need --allow-destructive); then it
 * applies (with plain --auto-approve, that flag added only for those two) and plans to no changes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2e, ROOT, SECRETS } from './harness.js';
import { ALL, orgView, perms, type OrgView } from './org-state.js';

interface Example {
  name: string;
  /** The plan's steps[] ids, in apply order. */
  steps: string[];
  /** The destructive ones (each needs --allow-destructive). */
  destructive?: string[];
  /** The plan's effective-access section: email → gains / loses / escalated / reduced. */
  access: Record<string, string>;
  env?: Record<string, string>;
  /** The org afterwards, as Setup would show it. */
  after: Partial<OrgView>;
}

const at = (...names: string[]): string[] => names.map((n) => `${n}@acme.com`);
/** The seed org's users with access: alice, carol, erin, grace (an override: view) and heidi. */
const SEED_USERS = at('alice', 'carol', 'erin', 'grace', 'heidi');
const grants = (...names: string[]): string[] => names.map((n) => `grant-user:${n}@acme.com`);
const profiles = (...names: string[]): string[] => names.map((n) => `set-profile-permissions:${n}`);
const change = (kind: string, ...names: string[]): Record<string, string> => Object.fromEntries(at(...names).map((e) => [e, kind]));

const EXAMPLES: Example[] = [
  {
    name: 'first-setup',
    // Set up this way already: only Sales Rep, which gave heidi nothing, gets view.
    steps: profiles('Sales Rep'),
    access: { 'heidi@acme.com': 'gains' },
    after: {
      users: SEED_USERS,
      profiles: { Administrator: ALL, Manager: perms('view', 'create', 'edit'), 'Sales Rep': ['view'], Standard: perms('view', 'create') },
      overrides: { 'grace@acme.com': ['view'] },
    },
  },
  {
    name: 'add-users',
    // Three grants and nothing else.
    steps: grants('bob', 'dave', 'frank'),
    access: { 'bob@acme.com': 'gains', 'dave@acme.com': 'gains', 'frank@acme.com': 'gains' },
    after: {
      users: at('alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'),
      profiles: { Administrator: ALL, Manager: perms('view', 'create', 'edit'), Standard: perms('view', 'create') },
      overrides: { 'grace@acme.com': ['view'] },
    },
  },
  {
    name: 'per-user-overrides',
    steps: ['set-user-permissions:carol@acme.com', ...profiles('Sales Rep'), ...grants('bob', 'dave', 'judy'), 'set-user-permissions:grace@acme.com'],
    access: {
      'bob@acme.com': 'gains',
      'carol@acme.com': 'escalated',
      'dave@acme.com': 'gains',
      'grace@acme.com': 'escalated',
      'heidi@acme.com': 'gains',
      'judy@acme.com': 'gains',
    },
    after: {
      users: at('alice', 'bob', 'carol', 'dave', 'erin', 'grace', 'heidi', 'judy'),
      profiles: { Administrator: ALL, Manager: perms('view', 'create', 'edit'), 'Sales Rep': ['view'], Standard: perms('view', 'create') },
      overrides: { 'bob@acme.com': ['view'], 'carol@acme.com': perms('view', 'create', 'edit'), 'dave@acme.com': ALL },
    },
  },
  {
    name: 'portal-swap',
    steps: [
      'change-portal:acme-newco',
      ...profiles('Administrator', 'Manager', 'Sales Rep', 'Standard'),
      ...grants('alice', 'carol', 'erin', 'grace', 'heidi'),
    ],
    destructive: ['change-portal:acme-newco'],
    access: { 'heidi@acme.com': 'gains' },
    env: { ZPI_ZSC_KEY: SECRETS.zsc7002 },
    after: {
      status: 'active',
      portal: '7002',
      users: SEED_USERS,
      profiles: { Administrator: ALL, Manager: perms('view', 'create', 'edit'), 'Sales Rep': ['view'], Standard: perms('view', 'create') },
      overrides: { 'grace@acme.com': ['view'] },
      links: { Accounts: 0, Contacts: 0, Deals: 0 },
    },
  },
  {
    name: 'deactivate',
    steps: ['deactivate:acme-projects'],
    destructive: ['deactivate:acme-projects'],
    // heidi has access too, but Sales Rep gave her nothing to lose.
    access: { 'alice@acme.com': 'loses', 'carol@acme.com': 'loses', 'erin@acme.com': 'loses', 'grace@acme.com': 'loses' },
    after: { status: 'inactive', portal: null, users: [], links: { Accounts: 0, Contacts: 0, Deals: 0 } },
  },
  {
    name: 'large-org',
    steps: [
      ...profiles('Manager', 'Sales Rep', 'Standard', 'Support'),
      ...grants('admin', 'bob', 'dave', 'frank', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'),
      'set-user-permissions:grace@acme.com',
    ],
    // Nobody loses access: four escalate (Manager and Standard widened, grace back on Standard), sixteen gain.
    access: {
      ...change('escalated', 'alice', 'carol', 'erin', 'grace'),
      ...change('gains', 'admin', 'bob', 'dave', 'frank', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'),
    },
    after: {
      // The twenty listed users.
      users: at('admin', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'),
      profiles: {
        Administrator: ALL,
        Manager: ALL,
        'Sales Rep': ['view'],
        Standard: perms('view', 'create', 'edit'),
        Support: perms('view', 'create'),
      },
      overrides: { 'bob@acme.com': ['view'], 'mallory@acme.com': ['view'], 'peggy@acme.com': perms('view', 'create', 'edit'), 'victor@acme.com': ALL },
    },
  },
];

describe('examples/ on the sandbox seed org', () => {
  it.each(EXAMPLES)('$name: plans what its comment says, applies, converges', async (ex) => {
    const t = await e2e({ manifest: join(ROOT, 'examples', `${ex.name}.yaml`) });
    try {
      const planned = await t.run(['plan', '--format', 'json'], { env: ex.env });
      expect(planned.code, planned.stderr).toBe(0);
      const plan = JSON.parse(planned.stdout) as {
        steps: { id: string; destructive: boolean }[];
        access: { email: string; change: string }[];
        warnings: string[];
      };
      expect(plan.steps.map((s) => s.id)).toEqual(ex.steps);
      expect(plan.steps.filter((s) => s.destructive).map((s) => s.id)).toEqual(ex.destructive ?? []);
      expect(Object.fromEntries(plan.access.map((a) => [a.email, a.change]))).toEqual(ex.access);
      // No user is granted access that gives them nothing, and nothing else to warn about.
      expect(plan.warnings).toEqual([]);

      const args = ['apply', '--auto-approve', ...(ex.destructive ? ['--allow-destructive'] : [])];
      const applied = await t.run(args, { env: ex.env });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Apply complete: /);
      expect(orgView(t)).toMatchObject(ex.after);

      const again = await t.run(['plan', '--detailed-exitcode'], { env: ex.env });
      expect(again.code, again.stdout + again.stderr).toBe(0);
    } finally {
      await t.close();
    }
  });
});
