import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED_PATH, SandboxStateError, startSandbox, type SandboxState } from '../../../src/sandbox/index.js';
import { ID, ZP, adminSession, useSandboxes } from './helpers.js';

const { start, tempDir } = useSandboxes();

describe('state file', () => {
  it('is created from the default seed with mode 0600 and survives a restart', async () => {
    const file = join(await tempDir(), 'nested', 'sandbox.json');
    const first = await adminSession(start, { stateFile: file });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(await readFile(DEFAULT_SEED_PATH, 'utf8')));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await first.call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] });
    await first.call('POST', `${ZP}/actions/disassociate`);
    await first.call('POST', `${ZP}/actions/associate`, { portal_id: '7002', zsc_key: 'zsc-7002-secret', email: 'newco-owner@acme.com' });
    await first.call('PUT', `${ZP}/users`, { users: [{ id: ID.dave }] });
    const expected = first.sb.state();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await first.sb.close();

    const second = await adminSession(start, { stateFile: file, seed: '/does/not/matter.json' });
    expect(second.sb.state()).toEqual(expected);
    expect((await second.call('GET', ZP)).json.integration).toMatchObject({ portal: { id: '7002' }, users: [{ id: ID.dave, email: 'dave@acme.com' }] });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(expected);
  });

  it('is not written by reads or no-op writes', async () => {
    const file = join(await tempDir(), 'sandbox.json');
    const { call } = await adminSession(start, { stateFile: file });
    const { mtimeMs } = await stat(file);
    await new Promise((r) => setTimeout(r, 20));
    await call('GET', ZP);
    await call('PUT', `${ZP}/users`, { users: [{ id: ID.alice }] });
    expect((await stat(file)).mtimeMs).toBe(mtimeMs);
  });

  it('refuses a corrupt state file with one clear line naming it, leaving it byte-identical', async () => {
    const file = join(await tempDir(), 'sandbox.json');
    const corrupt = '{"org": {"id": "1"}, "users": [ oops';
    await writeFile(file, corrupt);
    const err = await startSandbox({ stateFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxStateError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('not valid JSON');
    expect((err as Error).message).not.toContain('\n');
    expect(await readFile(file, 'utf8')).toBe(corrupt);
  });

  it('refuses valid JSON that is not sandbox state, naming the problem', async () => {
    const file = join(await tempDir(), 'sandbox.json');
    const seed = JSON.parse(await readFile(DEFAULT_SEED_PATH, 'utf8')) as SandboxState;
    seed.users[3]!.profile = 'Wizard';
    seed.integration.users.push('nobody');
    const text = JSON.stringify(seed);
    await writeFile(file, text);
    const err = (await startSandbox({ stateFile: file }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SandboxStateError);
    expect(err.message).toMatch(/sandbox\.json is not valid sandbox state: users\[3\]\.profile "Wizard" is not in profiles \(and 1 more problem\)/);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('refuses a missing or corrupt seed file and an invalid seed object', async () => {
    const dir = await tempDir();
    const missing = (await startSandbox({ seed: join(dir, 'nope.json') }).catch((e: unknown) => e)) as Error;
    expect(missing).toBeInstanceOf(SandboxStateError);
    expect(missing.message).toContain('nope.json');
    await writeFile(join(dir, 'bad.json'), '[]');
    const bad = (await startSandbox({ seed: join(dir, 'bad.json'), stateFile: join(dir, 'state.json') }).catch((e: unknown) => e)) as Error;
    expect(bad.message).toContain('bad.json');
    await expect(stat(join(dir, 'state.json'))).rejects.toThrow(/ENOENT/);
    await expect(startSandbox({ seed: { org: {} } as unknown as SandboxState })).rejects.toThrow(SandboxStateError);
  });

  it('never changes a seed object passed in, and state() is a deep copy', async () => {
    const seed = JSON.parse(await readFile(DEFAULT_SEED_PATH, 'utf8')) as SandboxState;
    const copy = structuredClone(seed);
    const { sb, call } = await adminSession(start, { seed });
    await call('POST', `${ZP}/actions/deactivate`);
    expect(seed).toEqual(copy);
    const s = sb.state();
    s.users.length = 0;
    expect(sb.state().users).toHaveLength(26);
  });

  it('is always whole, valid JSON while many writes run', async () => {
    const file = join(await tempDir(), 'sandbox.json');
    const { sb, call } = await adminSession(start, { stateFile: file });
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        JSON.parse(await readFile(file, 'utf8')); // throws on a torn file
        reads++;
      }
    })();
    const ids = [ID.bob, ID.dave, ID.frank, ID.sysop];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? call('PUT', `${ZP}/users`, { users: [{ id: ids[i % 4] }] }) : call('DELETE', `${ZP}/users?ids=${ids[(i + 1) % 4]}`),
      ),
    );
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    // Writes are serialised: the file holds exactly the final in-memory state.
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(sb.state());
  });

  it('keeps the old state when a write cannot be persisted (all-or-nothing)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'state', 'sandbox.json');
    const { sb, call } = await adminSession(start, { stateFile: file });
    const before = sb.state();
    // Replace the state directory by a plain file: the temp file cannot be created.
    await rm(join(dir, 'state'), { recursive: true });
    await writeFile(join(dir, 'state'), 'not a directory');
    const res = await call('PUT', `${ZP}/users`, { users: [{ id: ID.bob }] });
    expect(res.status).toBe(500);
    expect(res.json.code).toBe('INTERNAL_ERROR');
    expect(sb.state()).toEqual(before);
    expect((await call('GET', ZP)).json.integration.users).toHaveLength(5);
  });
});
