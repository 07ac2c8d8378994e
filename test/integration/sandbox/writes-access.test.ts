import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SandboxState } from '../../../src/sandbox/index.js';
import { ID, ZP, adminSession, useSandboxes } from './helpers.js';

const { start } = useSandboxes();
const flags = (view: boolean, create = false, edit = false, del = false) => ({ view, create, edit, delete: del });

describe('PUT …/profile_permissions', () => {
  it('sets listed profiles by id or name, per item, idempotently', async () => {
    const { sb, call } = await adminSession(start);
    const body = {
      profile_permissions: [
        { profile: { id: '4876876000000026017', name: 'Sales Rep' }, ...flags(true) },
        { profile: { name: 'Standard' }, ...flags(true, true, true) },
      ],
    };
    const res = await call('PUT', `${ZP}/profile_permissions`, body);
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual([
      { code: 'SUCCESS', details: { id: '4876876000000026017', name: 'Sales Rep' }, message: expect.any(String), status: 'success' },
      { code: 'SUCCESS', details: { id: '4876876000000026014', name: 'Standard' }, message: expect.any(String), status: 'success' },
    ]);
    const pp = sb.state().integration.profile_permissions;
    expect(pp['Sales Rep']).toEqual(['view']);
    expect(pp.Standard).toEqual(['view', 'create', 'edit']);
    expect(pp.Manager).toEqual(['view', 'create', 'edit']); // not listed: left as it was
    const before = sb.state();
    expect((await call('PUT', `${ZP}/profile_permissions`, body)).json.data.every((d: { code: string }) => d.code === 'SUCCESS')).toBe(true);
    expect(sb.state()).toEqual(before);
  });

  it('fails an unknown profile, create without view or missing flags per item; the rest apply', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('PUT', `${ZP}/profile_permissions`, {
      profile_permissions: [
        { profile: { name: 'Interns' }, ...flags(true) },
        { profile: { name: 'Support' }, ...flags(false, true) },
        { profile: { name: 'Support' }, view: true },
        { profile: { id: '4876876000000026014', name: 'Manager' }, ...flags(true) },
        { profile: { name: 'Sales Rep' }, ...flags(false) },
      ],
    });
    expect(res.status).toBe(200);
    const [unknown, noView, missing, mismatch, ok] = res.json.data;
    expect(unknown).toMatchObject({ code: 'INVALID_DATA', status: 'error' });
    expect(unknown.message).toContain('Interns');
    expect(noView).toMatchObject({ code: 'INVALID_DATA', details: { name: 'Support' } });
    expect(noView.message).toContain('need view');
    expect(missing.message).toContain('create, edit, delete');
    expect(mismatch.code).toBe('INVALID_DATA');
    expect(ok.code).toBe('SUCCESS');
    expect(sb.state().integration.profile_permissions).toEqual({
      Administrator: ['view', 'create', 'edit', 'delete'],
      Standard: ['view', 'create'],
      Manager: ['view', 'create', 'edit'],
      'Sales Rep': [],
    });
  });
});

describe('PUT …/users (grant)', () => {
  it('grants active confirmed users, idempotently', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }, { id: ID.alice }] });
    expect(res.json.data).toEqual([
      { code: 'SUCCESS', details: { id: ID.bob, email: 'bob@acme.com' }, message: 'bob@acme.com granted access', status: 'success' },
      { code: 'SUCCESS', details: { id: ID.alice, email: 'alice@acme.com' }, message: 'alice@acme.com already has access', status: 'success' },
    ]);
    expect(sb.state().integration.users).toContain(ID.bob);
    const before = sb.state();
    await call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] });
    expect(sb.state()).toEqual(before);
  });

  it('refuses inactive, unconfirmed, deleted and unknown users and the portal owner, naming each', async () => {
    const { sb, call } = await adminSession(start);
    const before = sb.state();
    const res = await call('PUT', `${ZP}/users`, { users: [{ id: ID.ursula }, { id: ID.uma }, { id: ID.dan }, { id: '999' }, { id: ID.owner }, {}] });
    expect(res.status).toBe(200);
    const [ursula, uma, dan, unknown, owner, malformed] = res.json.data;
    for (const item of res.json.data) expect(item).toMatchObject({ code: 'INVALID_DATA', status: 'error' });
    expect(ursula.message).toMatch(/ursula@acme\.com.*not active \(status disabled\)/);
    expect(uma.message).toMatch(/uma@acme\.com.*not confirmed/);
    expect(dan.message).toMatch(/dan@acme\.com.*status deleted/);
    expect(unknown).toMatchObject({ details: { id: '999' } });
    expect(unknown.message).toContain('999');
    expect(owner.message).toMatch(/owner@acme\.com.*owns portal acme-projects/);
    expect(malformed.message).toContain('item 5');
    expect(sb.state()).toEqual(before);
  });

  it('answers 400 for more than 100 ids, an empty list or a wrong body', async () => {
    const { call } = await adminSession(start);
    const many = Array.from({ length: 101 }, () => ({ id: ID.bob }));
    const big = await call('PUT', `${ZP}/users`, { users: many });
    expect(big.status).toBe(400);
    expect(big.json).toMatchObject({ code: 'LIMIT_EXCEEDED', status: 'error' });
    expect((await call('PUT', `${ZP}/users`, { users: many.slice(0, 100) })).status).toBe(200);
    expect((await call('PUT', `${ZP}/users`, { users: [] })).json.code).toBe('MANDATORY_NOT_FOUND');
    expect((await call('PUT', `${ZP}/users`, { data: [{ id: ID.bob }] })).json.code).toBe('MANDATORY_NOT_FOUND');
    expect((await call('PUT', `${ZP}/users`, { users: { id: ID.bob } })).json.code).toBe('INVALID_DATA');
  });
});

describe('DELETE …/users (revoke)', () => {
  it('revokes access and the per-user override, idempotently', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('DELETE', `${ZP}/users?ids=${ID.grace},${ID.bob}`);
    expect(res.json.data).toEqual([
      { code: 'SUCCESS', details: { id: ID.grace, email: 'grace@acme.com' }, message: 'grace@acme.com lost access', status: 'success' },
      { code: 'SUCCESS', details: { id: ID.bob, email: 'bob@acme.com' }, message: 'bob@acme.com had no access', status: 'success' },
    ]);
    expect(sb.state().integration.users).not.toContain(ID.grace);
    expect(sb.state().integration.user_permissions).toEqual({});
    const before = sb.state();
    expect((await call('DELETE', `${ZP}/users?ids=${ID.grace}`)).json.data[0].code).toBe('SUCCESS');
    expect(sb.state()).toEqual(before);
  });

  it('fails unknown ids per item and answers 400 without ids or with more than 100', async () => {
    const { call } = await adminSession(start);
    const res = await call('DELETE', `${ZP}/users?ids=42,${ID.alice}`);
    expect(res.json.data.map((d: { code: string }) => d.code)).toEqual(['INVALID_DATA', 'SUCCESS']);
    expect(res.json.data[0].message).toContain('42');
    const none = await call('DELETE', `${ZP}/users`);
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { param_name: 'ids' } });
    const ids = Array.from({ length: 101 }, (_, i) => String(i)).join(',');
    expect((await call('DELETE', `${ZP}/users?ids=${ids}`)).json.code).toBe('LIMIT_EXCEEDED');
  });
});

describe('PUT …/user_permissions', () => {
  it('sets and resets per-user overrides, idempotently', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('PUT', `${ZP}/user_permissions`, {
      user_permissions: [
        { user: { id: ID.carol }, ...flags(true, true, true, true) },
        { user: { id: ID.grace }, reset: true },
        { user: { id: ID.alice }, reset: true },
        { user: { id: ID.erin }, ...flags(false) },
      ],
    });
    expect(res.json.data.map((d: { code: string }) => d.code)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(res.json.data[2].message).toContain('had no override');
    expect(sb.state().integration.user_permissions).toEqual({ [ID.carol]: ['view', 'create', 'edit', 'delete'], [ID.erin]: [] });
    const before = sb.state();
    await call('PUT', `${ZP}/user_permissions`, { user_permissions: [{ user: { id: ID.carol }, ...flags(true, true, true, true) }] });
    expect(sb.state()).toEqual(before);
  });

  it('refuses users without access, unknown users and create without view', async () => {
    const { sb, call } = await adminSession(start);
    const before = sb.state();
    const res = await call('PUT', `${ZP}/user_permissions`, {
      user_permissions: [
        { user: { id: ID.bob }, ...flags(true) },
        { user: { id: '31337' }, ...flags(true) },
        { user: { id: ID.carol }, ...flags(false, false, true) },
        { user: { id: ID.carol }, reset: 'yes' },
      ],
    });
    const [noAccess, unknown, noView, badReset] = res.json.data;
    expect(noAccess).toMatchObject({ code: 'INVALID_DATA', details: { id: ID.bob, email: 'bob@acme.com' } });
    expect(noAccess.message).toContain('grant');
    expect(unknown.message).toContain('31337');
    expect(noView.message).toContain('need view');
    expect(badReset.code).toBe('INVALID_DATA');
    expect(sb.state()).toEqual(before);
  });
});

describe('grant with permissions (ticks and permissions saved together)', () => {
  it('grants and sets the override in one change; a bad permission set changes nothing for that user', async () => {
    const { sb, call } = await adminSession(start);
    const res = await call('PUT', `${ZP}/users`, {
      users: [
        { id: ID.bob, permissions: flags(true, false, true) },
        { id: ID.dave, permissions: flags(false, true) },
      ],
    });
    expect(res.json.data).toEqual([
      { code: 'SUCCESS', details: { id: ID.bob, email: 'bob@acme.com' }, message: 'bob@acme.com granted access with view,edit', status: 'success' },
      expect.objectContaining({ code: 'INVALID_DATA', details: { id: ID.dave, email: 'dave@acme.com' } }),
    ]);
    const ig = sb.state().integration;
    expect(ig.users).toContain(ID.bob);
    expect(ig.user_permissions[ID.bob]).toEqual(['view', 'edit']);
    expect(ig.users).not.toContain(ID.dave);
    expect(ig.user_permissions[ID.dave]).toBeUndefined();
  });

  it('a plain grant of a user without access drops an override left from before, so it cannot come back', async () => {
    const seed = JSON.parse(readFileSync(new URL('../../../examples/sandbox/org.json', import.meta.url), 'utf8')) as SandboxState;
    seed.integration.user_permissions[ID.bob] = ['view', 'create', 'edit', 'delete'];
    const { sb, call } = await adminSession(start, { seed });
    expect(sb.state().integration.users).not.toContain(ID.bob);
    await call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] });
    expect(sb.state().integration.users).toContain(ID.bob);
    expect(sb.state().integration.user_permissions[ID.bob]).toBeUndefined();
  });
});
