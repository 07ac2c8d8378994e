import { describe, expect, it } from 'vitest';
import { ID, ZP, adminSession, call, getToken, useSandboxes } from './helpers.js';

const { start } = useSandboxes();

describe('CRM reads', () => {
  it('GET /crm/v8/org', async () => {
    const { call } = await adminSession(start);
    const res = await call('GET', '/crm/v8/org');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toEqual({ org: [{ id: '60012345678', company_name: 'Acme Corp', primary_email: 'admin@acme.com', type: 'production' }] });
  });

  it('GET /crm/v8/users?type=CurrentUser answers the token user in WIRE shape', async () => {
    const { call } = await adminSession(start);
    const res = await call('GET', '/crm/v8/users?type=CurrentUser');
    expect(res.json).toEqual({
      users: [
        {
          id: ID.admin,
          email: 'admin@acme.com',
          full_name: 'Ada Admin',
          status: 'active',
          confirm: true,
          profile: { id: '4876876000000026011', name: 'Administrator' },
          role: { id: expect.stringMatching(/^\d+$/), name: 'CEO' },
        },
      ],
    });
  });

  it('pages AllUsers with a total count and answers 204 past the end', async () => {
    const { call } = await adminSession(start);
    const all = await call('GET', '/crm/v8/users?type=AllUsers&page=1&per_page=200');
    expect(all.json.info).toEqual({ page: 1, per_page: 200, count: 26, more_records: false });
    expect(all.json.users).toHaveLength(26);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await call('GET', `/crm/v8/users?type=AllUsers&page=${page}&per_page=10`);
      expect(res.status).toBe(200);
      expect(res.json.info).toEqual({ page, per_page: 10, count: 26, more_records: page < 3 });
      seen.push(...res.json.users.map((u: { id: string }) => u.id));
    }
    expect(seen).toEqual(all.json.users.map((u: { id: string }) => u.id));
    const past = await call('GET', '/crm/v8/users?type=AllUsers&page=4&per_page=10');
    expect(past.status).toBe(204);
    expect(past.text).toBe('');
  });

  it('defaults to AllUsers, page 1, 200 per page', async () => {
    const { call } = await adminSession(start);
    expect((await call('GET', '/crm/v8/users')).json.info).toEqual({ page: 1, per_page: 200, count: 26, more_records: false });
  });

  it('filters by type', async () => {
    const { call } = await adminSession(start);
    const emails = async (type: string) =>
      ((await call('GET', `/crm/v8/users?type=${type}`)).json?.users ?? []).map((u: { email: string }) => u.email);
    expect(await emails('AdminUsers')).toEqual(['admin@acme.com', 'sysop@acme.com', 'owner@acme.com']);
    expect(await emails('DeactiveUsers')).toEqual(['ursula@acme.com']);
    const active = await emails('ActiveUsers');
    expect(active).toContain('uma@acme.com');
    expect(active).not.toContain('ursula@acme.com');
    expect(active).not.toContain('dan@acme.com');
    const confirmed = await emails('ActiveConfirmedUsers');
    expect(confirmed).toHaveLength(23);
    expect(confirmed).not.toContain('uma@acme.com');
  });

  it('rejects an unknown type and a per_page over 200', async () => {
    const { call } = await adminSession(start);
    const type = await call('GET', '/crm/v8/users?type=Everyone');
    expect(type.status).toBe(400);
    expect(type.json).toMatchObject({ code: 'INVALID_DATA', status: 'error', details: { param_name: 'type' } });
    expect(type.json.message).toContain('Everyone');
    for (const q of ['per_page=201', 'per_page=0', 'page=0', 'page=x']) {
      const res = await call('GET', `/crm/v8/users?type=AllUsers&${q}`);
      expect(res.status, q).toBe(400);
      expect(res.json.code).toBe('INVALID_DATA');
    }
  });

  it('GET /crm/v8/settings/profiles', async () => {
    const { call } = await adminSession(start);
    const { profiles } = (await call('GET', '/crm/v8/settings/profiles')).json;
    expect(profiles.map((p: { name: string }) => p.name)).toEqual(['Administrator', 'Standard', 'Sales Rep', 'Support', 'Manager']);
    expect(profiles[0]).toEqual({ id: '4876876000000026011', name: 'Administrator', display_label: 'Administrator', type: 'normal_profile', custom: false, default: true });
    expect(profiles[2]).toMatchObject({ custom: true, default: false });
  });
});

describe('Projects reads', () => {
  it('GET /restapi/portals/ lists portals with owner_email and never a ZSC key', async () => {
    const { call } = await adminSession(start);
    const res = await call('GET', '/restapi/portals/');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      login_id: ID.admin,
      portals: [
        { id: 7001, id_string: '7001', name: 'acme-projects', role: 'admin', default: true, plan: 'Enterprise', owner_email: 'owner@acme.com' },
        { id: 7002, id_string: '7002', name: 'acme-newco', role: 'admin', default: false, plan: 'Enterprise', owner_email: 'newco-owner@acme.com' },
      ],
    });
    expect(res.text).not.toMatch(/zsc/i);
    expect((await call('GET', '/restapi/portals')).status).toBe(200);
  });
});

describe('integration reads (modelled)', () => {
  it('GET …/zoho_projects answers the integration settings', async () => {
    const { call } = await adminSession(start);
    const res = await call('GET', ZP);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      integration: {
        status: 'active',
        portal: { id: '7001', name: 'acme-projects' },
        associated_by: { id: ID.admin, email: 'admin@acme.com' },
        users: [
          { id: ID.alice, email: 'alice@acme.com' },
          { id: ID.carol, email: 'carol@acme.com' },
          { id: ID.erin, email: 'erin@acme.com' },
          { id: ID.grace, email: 'grace@acme.com' },
          { id: ID.heidi, email: 'heidi@acme.com' },
        ],
        profile_permissions: [
          { profile: { id: '4876876000000026011', name: 'Administrator' }, view: true, create: true, edit: true, delete: true },
          { profile: { id: '4876876000000026014', name: 'Standard' }, view: true, create: true, edit: false, delete: false },
          { profile: { id: '4876876000000026023', name: 'Manager' }, view: true, create: true, edit: true, delete: false },
        ],
        user_permissions: [{ user: { id: ID.grace, email: 'grace@acme.com' }, view: true, create: false, edit: false, delete: false }],
      },
    });
    expect(res.text).not.toMatch(/zsc/i);
  });

  it('GET …/links/count', async () => {
    const { call } = await adminSession(start);
    expect((await call('GET', `${ZP}/links/count`)).json).toEqual({ links: { Accounts: 30, Contacts: 12, Deals: 4 } });
  });

  it('are open to a non-administrator (plan reads before it refuses)', async () => {
    const sb = await start();
    const token = await getToken(sb.url, 'viewer');
    for (const path of ['/crm/v8/org', '/crm/v8/users', '/crm/v8/settings/profiles', '/restapi/portals/', ZP, `${ZP}/links/count`]) {
      expect((await call(sb.url, token, 'GET', path)).status, path).toBe(200);
    }
  });
});
