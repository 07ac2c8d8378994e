import { describe, expect, it } from 'vitest';
import { ID, ZP, adminSession, call, getToken, useSandboxes } from './helpers.js';

const { start } = useSandboxes();
const KEY_7001 = { portal_id: '7001', zsc_key: 'zsc-7001-secret', email: 'owner@acme.com' };
const KEY_7002 = { portal_id: '7002', zsc_key: 'zsc-7002-secret', email: 'newco-owner@acme.com' };

describe('associate', () => {
  it('is a SUCCESS no-op for the portal already associated (email compared case-insensitively)', async () => {
    const { sb, call } = await adminSession(start);
    const before = sb.state();
    const res = await call('POST', `${ZP}/actions/associate`, { ...KEY_7001, email: 'Owner@ACME.com' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: [{ code: 'SUCCESS', details: { id: '7001' }, message: expect.stringContaining('already associated'), status: 'success' }] });
    expect(sb.state()).toEqual(before);
  });

  it('answers 400 PORTAL_ALREADY_ASSOCIATED while another portal is associated', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('POST', `${ZP}/actions/associate`, KEY_7002);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'PORTAL_ALREADY_ASSOCIATED', status: 'error', details: { id: '7001' } });
    expect(res.json.message).toContain('acme-projects');
    expect(sb.state().integration.portal_id).toBe('7001');
  });

  it('answers 400 INVALID_ZSC_KEY when the key or the email does not match the portal owner', async () => {
    const { call } = await adminSession(start);
    await call('POST', `${ZP}/actions/disassociate`);
    for (const bad of [{ zsc_key: 'zsc-7001-secret' }, { email: 'admin@acme.com' }, { zsc_key: 'guess' }]) {
      const res = await call('POST', `${ZP}/actions/associate`, { ...KEY_7002, ...bad });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('INVALID_ZSC_KEY');
      expect(res.text).not.toContain('zsc-7002-secret');
    }
    expect((await call('GET', ZP)).json.integration.portal).toBeNull();
  });

  it('answers 400 for an unknown portal or missing fields', async () => {
    const { call } = await adminSession(start);
    const unknown = await call('POST', `${ZP}/actions/associate`, { ...KEY_7001, portal_id: '9999' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.code).toBe('INVALID_DATA');
    expect(unknown.json.message).toContain('9999');
    for (const missing of ['zsc_key', 'email', 'portal_id']) {
      const body: Record<string, string> = { ...KEY_7001 };
      delete body[missing];
      const res = await call('POST', `${ZP}/actions/associate`, body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: missing } });
    }
    expect((await call('POST', `${ZP}/actions/associate`)).json.code).toBe('MANDATORY_NOT_FOUND');
  });

  it('swaps portals: disassociate drops links, users and permissions; associate starts afresh', async () => {
    const { sb, call } = await adminSession(start);
    const dis = await call('POST', `${ZP}/actions/disassociate`);
    expect(dis.json.data[0]).toMatchObject({ code: 'SUCCESS', status: 'success', details: { id: '7001' } });
    expect((await call('GET', `${ZP}/links/count`)).json.links).toEqual({ Accounts: 0, Contacts: 0, Deals: 0 });
    expect((await call('GET', ZP)).json.integration).toEqual({
      status: 'active',
      portal: null,
      associated_by: null,
      users: [],
      profile_permissions: [],
      user_permissions: [],
    });
    const again = await call('POST', `${ZP}/actions/disassociate`);
    expect(again.json.data[0].code).toBe('SUCCESS');
    const assoc = await call('POST', `${ZP}/actions/associate`, KEY_7002);
    expect(assoc.json.data[0]).toMatchObject({ code: 'SUCCESS', details: { id: '7002' } });
    expect((await call('GET', ZP)).json.integration).toMatchObject({
      status: 'active',
      portal: { id: '7002', name: 'acme-newco' },
      associated_by: { id: ID.admin, email: 'admin@acme.com' },
    });
    expect(sb.state().links).toEqual({ Accounts: 0, Contacts: 0, Deals: 0 });
  });

  it('records the administrator who associated the portal', async () => {
    const seeded = await start();
    const seed = { ...seeded.state(), credentials: [{ client_id: 's', client_secret: 's', refresh_token: 's', user: 'sysop@acme.com' }] };
    const sb = await start({ seed });
    const token = await getToken(sb.url, 's');
    await call(sb.url, token, 'POST', `${ZP}/actions/disassociate`);
    expect((await call(sb.url, token, 'POST', `${ZP}/actions/associate`, KEY_7001)).status).toBe(200);
    expect(sb.state().integration.associated_by).toBe(ID.sysop);
  });
});

describe('deactivate', () => {
  it('disassociates, sets status inactive, is idempotent, and blocks access writes until associate', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('POST', `${ZP}/actions/deactivate`);
    expect(res.json.data[0]).toMatchObject({ code: 'SUCCESS', status: 'success' });
    const ig = sb.state().integration;
    expect(ig).toMatchObject({ status: 'inactive', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} });
    expect(sb.state().links).toEqual({ Accounts: 0, Contacts: 0, Deals: 0 });
    expect((await call('POST', `${ZP}/actions/deactivate`)).json.data[0].code).toBe('SUCCESS');
    expect((await call('POST', `${ZP}/actions/disassociate`)).json.data[0].code).toBe('SUCCESS');

    const writes: [string, string, unknown][] = [
      ['PUT', `${ZP}/users`, { users: [{ id: ID.bob }] }],
      ['DELETE', `${ZP}/users?ids=${ID.bob}`, undefined],
      ['PUT', `${ZP}/profile_permissions`, { profile_permissions: [{ profile: { name: 'Standard' }, view: true, create: false, edit: false, delete: false }] }],
      ['PUT', `${ZP}/user_permissions`, { user_permissions: [{ user: { id: ID.bob }, reset: true }] }],
    ];
    for (const [method, path, body] of writes) {
      const w = await call(method, path, body);
      expect(w.status, `${method} ${path}`).toBe(400);
      expect(w.json.code).toBe('INTEGRATION_INACTIVE');
    }
    const assoc = await call('POST', `${ZP}/actions/associate`, KEY_7001);
    expect(assoc.json.data[0].code).toBe('SUCCESS');
    expect(sb.state().integration).toMatchObject({ status: 'active', portal_id: '7001' });
    expect((await call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] })).json.data[0].code).toBe('SUCCESS');
  });

  it('also blocks access writes after a plain disassociate (no portal)', async () => {
    const { call } = await adminSession(start);
    await call('POST', `${ZP}/actions/disassociate`);
    const res = await call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INTEGRATION_INACTIVE');
  });
});

describe('administrators only', () => {
  it('answers 403 NO_PERMISSION to every write by a non-administrator and changes nothing', async () => {
    const sb = await start();
    const token = await getToken(sb.url, 'viewer');
    const before = sb.state();
    const writes: [string, string, unknown][] = [
      ['POST', `${ZP}/actions/associate`, KEY_7001],
      ['POST', `${ZP}/actions/disassociate`, undefined],
      ['POST', `${ZP}/actions/deactivate`, undefined],
      ['PUT', `${ZP}/profile_permissions`, { profile_permissions: [{ profile: { name: 'Standard' }, view: true, create: false, edit: false, delete: false }] }],
      ['PUT', `${ZP}/users`, { users: [{ id: ID.bob }] }],
      ['DELETE', `${ZP}/users?ids=${ID.alice}`, undefined],
      ['PUT', `${ZP}/user_permissions`, { user_permissions: [{ user: { id: ID.grace }, reset: true }] }],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(sb.url, token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json).toMatchObject({ code: 'NO_PERMISSION', status: 'error' });
      expect(res.json.message).toContain('grace@acme.com');
    }
    expect(sb.state()).toEqual(before);
  });
});

describe('change_portal (Setup’s Change, one call)', () => {
  it('with a wrong key or email changes nothing: the old portal, users, permissions and links stay', async () => {
    const { sb, call } = await adminSession(start);
    const before = sb.state();
    for (const bad of [{ zsc_key: 'zsc-7001-secret' }, { email: 'owner@acme.com' }, { zsc_key: 'guess' }]) {
      const res = await call('POST', `${ZP}/actions/change_portal`, { ...KEY_7002, ...bad });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('INVALID_ZSC_KEY');
      expect(res.text).not.toContain('zsc-7002-secret');
    }
    expect(sb.state()).toEqual(before);
    expect(before.integration.users.length).toBeGreaterThan(0);
    expect(before.links.Accounts).toBeGreaterThan(0);
  });

  it('with the new owner’s key drops links, users and permissions and associates the new portal', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('POST', `${ZP}/actions/change_portal`, KEY_7002);
    expect(res.json).toEqual({ data: [{ code: 'SUCCESS', details: { id: '7002' }, message: 'portal changed from acme-projects to acme-newco', status: 'success' }] });
    const after = sb.state();
    expect(after.integration).toMatchObject({ status: 'active', portal_id: '7002', users: [], profile_permissions: {}, user_permissions: {} });
    expect(after.links).toEqual({ Accounts: 0, Contacts: 0, Deals: 0 });
    // Changing to the portal that is associated succeeds and changes nothing.
    const again = await call('POST', `${ZP}/actions/change_portal`, KEY_7002);
    expect(again.json.data[0]).toMatchObject({ code: 'SUCCESS', message: expect.stringContaining('already associated') });
    expect(sb.state()).toEqual(after);
  });
});
