import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SandboxState } from '../../../src/sandbox/index.js';
import { StateStore, stateText } from '../../../src/sandbox/state-store.js';
import { adminSession, useSandboxes, ZP } from './helpers.js';

const { start, tempDir } = useSandboxes();

/** An org of `n` users (all active, confirmed Standard users but the admin), half of them granted. */
function bigOrg(n: number): SandboxState {
  const users = Array.from({ length: n }, (_, i) => ({
    id: `5${String(i).padStart(18, '0')}`,
    email: i === 0 ? 'admin@big.example' : `User${i}@Big.example`,
    full_name: `User ${i}`,
    status: i % 50 === 49 ? 'disabled' : 'active',
    confirm: true,
    profile: i === 0 ? 'Administrator' : 'Standard',
    role: i % 2 ? 'Rep' : 'Lead',
  }));
  return {
    org: { id: '600', company_name: 'Big', primary_email: 'admin@big.example', type: 'production' },
    profiles: [
      { id: '1', name: 'Administrator' },
      { id: '2', name: 'Standard' },
    ],
    users,
    portals: [{ id: '7001', name: 'big', owner_email: 'owner@big.example', zsc_key: 'k' }],
    integration: {
      status: 'active',
      portal_id: '7001',
      users: users.filter((_u, i) => i % 2 === 0 && i % 50 !== 49).map((u) => u.id),
      profile_permissions: { Standard: ['view'] },
      user_permissions: {},
    },
    links: { Accounts: 1, Contacts: 2, Deals: 3 },
  };
}

describe('a large org (20,000 users)', () => {
  // How fast it serves them (no per-user scan for a page) is `npm run bench`'s to measure: its sandbox
  // serves 100,000 users in 500 pages to every plan, whose wall time has a target there.
  it('serves every user once over 100 pages', async () => {
    const { call } = await adminSession(start, { seed: bigOrg(20_000) });
    const ids = new Set<string>();
    for (let page = 1; page <= 100; page++) {
      const r = await call('GET', `/crm/v8/users?type=AllUsers&page=${page}&per_page=200`);
      expect(r.status).toBe(200);
      expect(r.json.info).toMatchObject({ page, count: 20_000, more_records: page < 100 });
      for (const u of r.json.users) ids.add(u.id);
    }
    expect(ids.size).toBe(20_000);
    expect((await call('GET', '/crm/v8/users?type=AllUsers&page=101&per_page=200')).status).toBe(204);
    const active = await call('GET', '/crm/v8/users?type=ActiveUsers&page=98&per_page=200');
    expect(active.json.info.count).toBe(20_000 - 400);
    const ig = await call('GET', ZP);
    expect(ig.json.integration.users).toHaveLength(10_000);
    expect(ig.json.integration.users[1]).toEqual({ id: `5${'2'.padStart(18, '0')}`, email: 'User2@Big.example' });
  });

  it('grants and revokes 100 at a time, each item judged on its own, and persists exactly JSON.stringify(state, null, 2)', async () => {
    const dir = await tempDir();
    const stateFile = join(dir, 'state.json');
    const { sb, call } = await adminSession(start, { seed: bigOrg(20_000), stateFile });
    const id = (i: number) => `5${String(i).padStart(18, '0')}`;
    // Odd users are not granted; 49, 99, … are disabled and refused item by item.
    const grant = await call('PUT', `${ZP}/users`, { users: Array.from({ length: 100 }, (_, k) => ({ id: id(2 * k + 1) })) });
    expect(grant.status).toBe(200);
    const codes = grant.json.data.map((d: { code: string }) => d.code);
    expect(codes.filter((c: string) => c === 'SUCCESS')).toHaveLength(96);
    expect(codes.filter((c: string) => c === 'INVALID_DATA')).toHaveLength(4);
    // Revoke 50 granted users, one of them twice in the same call, and one who never had access.
    const revokeIds = [...Array.from({ length: 50 }, (_, k) => id(2 * k)), id(0), id(3)];
    const revoke = await call('DELETE', `${ZP}/users?ids=${revokeIds.join(',')}`);
    expect(revoke.json.data.map((d: { message: string }) => d.message.split(' ').slice(1).join(' '))).toEqual([
      ...Array.from({ length: 50 }, () => 'lost access'),
      'had no access',
      'lost access',
    ]);
    const state = sb.state();
    expect(state.integration.users).toHaveLength(10_000 + 96 - 51);
    expect(new Set(state.integration.users).size).toBe(state.integration.users.length);
    expect(state.integration.users).not.toContain(id(0));
    expect(state.integration.users).toContain(id(1));
    expect(state.integration.users).not.toContain(id(3));
    await sb.close();
    const text = readFileSync(stateFile, 'utf8');
    expect(text).toBe(`${JSON.stringify(state, null, 2)}\n`);
  });

  it('stateText is JSON.stringify(state, null, 2), whatever the state holds', () => {
    const s = bigOrg(30) as SandboxState & Record<string, unknown>;
    s.credentials = [{ client_id: 'a', client_secret: 'b', refresh_token: 'c', user: 'admin@big.example' }];
    (s as Record<string, unknown>).extra = { empty: {}, list: [], nested: [{ a: 'x\ny"z' }], none: null, gone: undefined };
    expect(stateText(s)).toBe(JSON.stringify(s, null, 2));
    expect(stateText({} as SandboxState)).toBe(JSON.stringify({}, null, 2));
  });

  it('a write cannot change what writes do not own: users, profiles and portals are shared and frozen', async () => {
    const store = await StateStore.open({ seed: bigOrg(10) });
    const before = store.get();
    await expect(store.mutate((draft) => ((draft.users[1]!.status = 'deleted'), { result: 1, changed: true }))).rejects.toThrow(TypeError);
    await expect(store.mutate((draft) => (draft.profiles.push({ id: '3', name: 'X' }), { result: 1, changed: true }))).rejects.toThrow(TypeError);
    expect(store.get()).toBe(before);
    // What writes do own is copied: the failed writes left it alone, a good one replaces it.
    await store.mutate((draft) => (draft.integration.users.push(`5${'1'.padStart(18, '0')}`), { result: 1, changed: true }));
    expect(store.get().integration.users).toHaveLength(before.integration.users.length + 1);
    expect(before.integration.users).toHaveLength(5);
    expect(store.get().users).toBe(before.users);
    expect(store.snapshot().users[1]!.status).toBe('active');
  });
});
