/** Realistic plans for renderer and executor tests, built through plan() from the builders. */
import type { Plan } from '../../src/model/plan.js';
import { plan } from '../../src/plan/index.js';
import { ALL, desired, liveOrg, planCtx } from './builders.js';

const PEOPLE = [
  'alice@acme.com',
  'bob@acme.com',
  { email: 'erin@acme.com', profile: 'Manager' },
  'frank@acme.com',
  'grace@acme.com',
  { email: 'henry@acme.com', profile: 'Sales Rep' },
];

/** The live org most scenarios start from: acme-projects associated, four users with access. */
export function acmeLive(integration: 'readable' | 'unreadable' = 'readable') {
  return liveOrg({
    users: PEOPLE,
    integration:
      integration === 'unreadable'
        ? null
        : {
            users: ['alice@acme.com', 'bob@acme.com', 'erin@acme.com', 'grace@acme.com'],
            profilePermissions: { Standard: ['view', 'create', 'edit'], Manager: ALL, 'Sales Rep': ['view'] },
            userPermissions: { 'grace@acme.com': ['view', 'create'] },
          },
    links: { Accounts: 30, Contacts: 12, Deals: 4 },
  });
}

/** Portal swap to acme-newco, a profile change, grants and an override; erin is dropped. */
export function swapPlan(opts: { allowDestructive?: boolean } = {}): Plan {
  const d = desired({
    portal: { name: 'acme-newco', zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: 'newco@acme.com' },
    profiles: { Standard: ['view'], Manager: ALL },
    users: ['alice@acme.com', 'bob@acme.com', 'frank@acme.com', { email: 'grace@acme.com', permissions: ['view', 'create', 'edit'] }],
  });
  return plan(d, acmeLive(), planCtx(opts));
}

/** Same portal: a profile change, a grant, an override, two revokes (the brake fires at 25%). */
export function changePlan(): Plan {
  const d = desired({
    profiles: { Standard: ['view'] },
    users: [
      'alice@acme.com',
      'frank@acme.com',
      { email: 'grace@acme.com', permissions: ['view', 'create', 'edit'] },
      { email: 'henry@acme.com', permissions: ['view', 'create'] },
    ],
    warnings: ['integration.yaml:9:3: profile Sales Rep is not listed, so zpi leaves it as it is'],
  });
  return plan(d, acmeLive(), planCtx());
}

/** First setup against real Zoho: every step is manual. */
export function manualPlan(): Plan {
  const d = desired({ profiles: { Standard: ['view'] }, users: ['alice@acme.com', { email: 'bob@acme.com', permissions: ['view', 'edit'] }] });
  return plan(d, acmeLive('unreadable'), planCtx({ endpointKind: 'zoho' }));
}

export function deactivatePlan(): Plan {
  return plan(desired({ state: 'deactivated', portal: null }), acmeLive(), planCtx({ allowDestructive: true }));
}

export function noChangePlan(): Plan {
  return plan(desired({ portal: { name: 'acme-projects' }, warnings: ['integration.yaml:2:1: a warning'] }), liveOrg(), planCtx());
}
