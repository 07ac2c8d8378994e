/**
 * The planning shell (src/run) against the real sandbox on 127.0.0.1 through the real client: it
 * reads, decides before planning whether the link counts are needed (a deactivation of an active
 * integration, a change of the associated portal), and calls plan() exactly once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadManifest } from '../../../src/manifest/load-manifest.js';
import type { Desired } from '../../../src/model/desired.js';
import { liveFingerprints } from '../../../src/model/fingerprint.js';
import { emptyRecord, sectionKey, settingsOf, type RecordFile } from '../../../src/model/record.js';
import * as planner from '../../../src/plan/index.js';
import { createZohoProvider, type ZohoProvider } from '../../../src/provider/index.js';
import { getPlan, needsLinkCounts, planImport, readCurrent, replanSavedPlan, type RunTarget } from '../../../src/run/index.js';
import type { SandboxOptions } from '../../../src/sandbox/index.js';
import { ID, useSandboxes } from '../sandbox/helpers.js';

// plan() wrapped in a spy, so a test can count how often the shell calls it.
vi.mock('../../../src/plan/index.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../../src/plan/index.js')>();
  return { ...mod, plan: vi.fn(mod.plan) };
});
const planCalls = (): number => vi.mocked(planner.plan).mock.calls.length;

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SEED = JSON.parse(readFileSync(join(ROOT, 'examples', 'sandbox', 'org.json'), 'utf8')) as Record<string, any>;
const NOW = '2026-06-01T09:00:00.000Z';
const OPTIONS = { allowDestructive: false, maxRevokePct: 25 };

const sandboxes = useSandboxes();
afterEach(() => vi.mocked(planner.plan).mockClear());

interface Org {
  provider: ZohoProvider;
  target: RunTarget;
  /** Link-count reads so far. */
  linkReads: () => number;
}

async function org(opts: SandboxOptions = {}): Promise<Org> {
  const sb = await sandboxes.start(opts);
  const provider = createZohoProvider({ endpoint: sb.url, credentials: { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' } });
  let linkReads = 0;
  const readLinks = provider.readLinks.bind(provider);
  provider.readLinks = () => {
    linkReads++;
    return readLinks();
  };
  return { provider, target: { kind: 'sandbox', endpoint: sb.url }, linkReads: () => linkReads };
}

async function manifest(name: string, text?: string): Promise<Desired> {
  if (text === undefined) return loadManifest(join(ROOT, name));
  const file = join(await sandboxes.tempDir(), name);
  writeFileSync(file, text);
  return loadManifest(file);
}

const head = 'apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "60012345678"\n';
const dropsLinks = (kinds: string[]): boolean => kinds.includes('deactivate') || kinds.includes('change-portal');

describe('getPlan', () => {
  it('plans once and reads no link counts when no step drops links', async () => {
    const o = await org();
    const desired = await manifest('integration.yaml');
    const before = o.provider.stats().calls;
    const { plan, live, reads, settings } = await getPlan({ ...o, desired, options: OPTIONS, now: NOW });
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(0);
    expect(live.links).toBeUndefined();
    expect(reads).toMatchObject({ calls: o.provider.stats().calls - before, users: live.users.length, profiles: live.profiles.length, portals: live.portals.length, links: false });
    expect(reads.calls).toBeGreaterThan(0);
    expect(reads.ms).toBeGreaterThanOrEqual(0);
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(dropsLinks(plan.steps.map((s) => s.kind))).toBe(false);
    // plan() fingerprints the live state it was given itself: its context carries no fingerprint.
    const fp = liveFingerprints(live);
    expect(plan.liveFingerprint).toBe(fp.liveFingerprint);
    expect(plan.liveSections).toEqual(fp.liveSections);
    const [, given, ctx] = vi.mocked(planner.plan).mock.calls[0] ?? [];
    expect(given).toBe(live);
    expect(ctx).toMatchObject({ now: NOW });
    expect(ctx).not.toHaveProperty('liveFingerprint');
    expect(ctx).not.toHaveProperty('liveSections');
    expect(settings).toBe(live.integration);
  });

  it('reads the link counts up front for a portal change: one more call, plan() still once', async () => {
    const o = await org();
    const desired = await manifest('examples/portal-swap.yaml');
    expect(desired.portal?.name).toBe('acme-newco');
    const before = o.provider.stats().calls;
    const { plan, reads } = await getPlan({ ...o, desired, options: OPTIONS, now: NOW });
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(1);
    expect(reads.links).toBe(true);
    expect(reads.calls).toBe(o.provider.stats().calls - before);
    const swap = plan.steps.find((s) => s.kind === 'change-portal');
    expect(swap?.blastRadius).toEqual({ Accounts: 30, Contacts: 12, Deals: 4 });

    // The same org without the link read: exactly one call fewer.
    const again = await org();
    const plain = await getPlan({ ...again, desired: await manifest('integration.yaml'), options: OPTIONS, now: NOW });
    expect(reads.calls - plain.reads.calls).toBe(1);
  });

  it('reads the link counts up front for the deactivation of an active integration', async () => {
    const o = await org();
    const { plan, reads } = await getPlan({ ...o, desired: await manifest('examples/deactivate.yaml'), options: OPTIONS, now: NOW });
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(1);
    expect(reads.links).toBe(true);
    expect(plan.steps).toMatchObject([{ kind: 'deactivate', blastRadius: { Accounts: 30, Contacts: 12, Deals: 4 } }]);
  });

  it('reads none for a deactivation of an integration that is already inactive', async () => {
    const seed = structuredClone(SEED);
    seed.integration = { ...seed.integration, status: 'inactive', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} };
    const o = await org({ seed: seed as never });
    const { plan } = await getPlan({ ...o, desired: await manifest('examples/deactivate.yaml'), options: OPTIONS, now: NOW });
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(0);
    expect(plan.steps).toEqual([]);
  });

  it('reads none where the settings cannot be read (real Zoho), even for a deactivation', async () => {
    const o = await org({ zohoOnly: true });
    const { plan, live, settings } = await getPlan({ ...o, desired: await manifest('examples/deactivate.yaml'), options: OPTIONS, now: NOW });
    expect(live.integration).toBeNull();
    expect(settings).toBeNull();
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(0);
    expect(plan.manual).toBe(true);
  });

  it('reads none for a manifest plan() refuses (an unknown portal), and plans once to say so', async () => {
    const o = await org();
    const desired = await manifest('unknown.yaml', `${head}portal:\n  name: nowhere\n  zscKey: \${ZPI_ZSC_KEY}\n  zscEmail: owner@acme.com\nusers: []\n`);
    await expect(getPlan({ ...o, desired, options: OPTIONS, now: NOW })).rejects.toThrow(/no portal is named "nowhere"/);
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(0);
  });

  it('check sees the live state before any planning and may refuse it', async () => {
    const o = await org();
    const refuse = (): void => {
      throw new Error('not this org');
    };
    await expect(getPlan({ ...o, desired: await manifest('examples/deactivate.yaml'), options: OPTIONS, check: refuse })).rejects.toThrow('not this org');
    expect(planCalls()).toBe(0);
    expect(o.linkReads()).toBe(0);
  });

  it('reports read progress and ends it once the users are read', async () => {
    const o = await org();
    const events: string[] = [];
    const progress = { update: (done: number, total: number) => void events.push(`${done}/${total}`), done: () => void events.push('done') };
    await getPlan({ ...o, desired: await manifest('integration.yaml'), options: OPTIONS, now: NOW, progress });
    expect(events.at(-1)).toBe('done');
    expect(events.filter((e) => e === 'done')).toHaveLength(1);
  });

  it('on real Zoho plans from the record: the section for this org and target, reconciled with what Zoho shows', async () => {
    const readable = await org();
    const read = await readCurrent(readable);
    const recorded = settingsOf(read.live.integration!, read.live.users);
    const record: RecordFile = {
      ...emptyRecord(),
      sections: {
        [sectionKey('sandbox', read.live.org.id)]: {
          org: { id: read.live.org.id, name: read.live.org.companyName },
          target: { endpointKind: 'sandbox', endpoint: 'sandbox' },
          settings: recorded,
          history: [{ at: NOW, by: 'admin@acme.com', action: 'import', manifestHash: 'x', did: [] }],
        },
      },
    };
    const zoho = await org({ zohoOnly: true });
    const current = await readCurrent({ ...zoho, record });
    expect(current.live.integration).toBeNull();
    expect(current.section?.history[0]?.action).toBe('import');
    expect(current.settings?.portal?.name).toBe('acme-projects');
    expect([...(current.settings?.users ?? [])].sort()).toEqual([...read.live.integration!.users].sort());

    // The plan starts from the record: a portal change is a manual step, and no link count is read.
    const { plan, settings } = await getPlan({ ...zoho, record, desired: await manifest('examples/portal-swap.yaml'), options: OPTIONS, now: NOW });
    expect(settings).toEqual(current.settings);
    expect(plan.record).toBeDefined();
    expect(plan.manual).toBe(true);
    expect(plan.steps[0]).toMatchObject({ kind: 'change-portal' });
    expect(zoho.linkReads()).toBe(0);
    expect(planCalls()).toBe(1);
  });
});

describe('needsLinkCounts', () => {
  it('says, before planning, exactly when the plan will drop links', async () => {
    const o = await org();
    const { live } = await readCurrent(o);
    const inactive = { ...live, integration: { ...live.integration!, status: 'inactive' as const, portal: null } };
    const cases: Array<[string, Desired]> = [
      ['same portal', await manifest('integration.yaml')],
      ['portal swap', await manifest('examples/portal-swap.yaml')],
      ['deactivate', await manifest('examples/deactivate.yaml')],
      ['swap by id', await manifest('by-id.yaml', `${head}portal:\n  id: "7002"\n  zscKey: \${ZPI_ZSC_KEY}\n  zscEmail: newco-owner@acme.com\nusers: []\n`)],
      ['same by id', await manifest('same-id.yaml', `${head}portal:\n  id: "7001"\n  zscKey: \${ZPI_ZSC_KEY}\n  zscEmail: owner@acme.com\nusers: []\n`)],
    ];
    for (const [name, desired] of cases) {
      for (const l of [live, inactive]) {
        const p = planner.plan(desired, l, { target: { org: { id: l.org.id, name: 'Acme' }, endpointKind: 'sandbox', endpoint: 'x' }, options: OPTIONS });
        expect(needsLinkCounts(desired, l), `${name}, ${l.integration?.status}`).toBe(dropsLinks(p.steps.map((s) => s.kind)));
      }
      // Counted already, or unreadable settings: nothing to read.
      expect(needsLinkCounts(desired, { ...live, links: { Accounts: 1, Contacts: 0, Deals: 0 } })).toBe(false);
      expect(needsLinkCounts(desired, { ...live, integration: null })).toBe(false);
    }
  });
});

describe('replanSavedPlan', () => {
  it('returns the fresh plan when nothing changed, with plan() once', async () => {
    const o = await org();
    const desired = await manifest('integration.yaml');
    const saved = (await getPlan({ ...o, desired, options: OPTIONS, now: NOW })).plan;
    vi.mocked(planner.plan).mockClear();
    const again = await replanSavedPlan({ ...o, desired, saved, now: NOW });
    expect(planCalls()).toBe(1);
    expect(again.plan.steps).toEqual(saved.steps);
  });

  it('refuses a plan whose live state moved on, naming the section', async () => {
    const o = await org();
    const desired = await manifest('integration.yaml');
    const saved = (await getPlan({ ...o, desired, options: OPTIONS, now: NOW })).plan;
    await o.provider.revokeUsers([ID.alice]);
    await expect(replanSavedPlan({ ...o, desired, saved, now: NOW })).rejects.toThrow(
      /^plan is stale: integration changed in org 60012345678 since the plan was made; run zpi plan again$/,
    );
  });

  it('refuses a plan made from another manifest before reading anything', async () => {
    const o = await org();
    const desired = await manifest('integration.yaml');
    const saved = (await getPlan({ ...o, desired, options: OPTIONS, now: NOW })).plan;
    const before = o.provider.stats().calls;
    await expect(replanSavedPlan({ ...o, desired: { ...desired, hash: 'other' }, saved })).rejects.toThrow(/^plan is stale: .* changed since the plan was made/);
    expect(o.provider.stats().calls).toBe(before);
  });

  it('refuses a plan made for another org or target kind', async () => {
    const o = await org();
    const desired = await manifest('integration.yaml');
    const saved = (await getPlan({ ...o, desired, options: OPTIONS, now: NOW })).plan;
    const elsewhere = { ...saved, target: { ...saved.target, endpointKind: 'zoho' as const } };
    await expect(replanSavedPlan({ ...o, desired, saved: elsewhere })).rejects.toThrow(/^this plan was made for .* via zoho, but zpi now reaches .* via sandbox/);
  });
});

describe('planImport', () => {
  it('takes the settings as read where they can be, planning once from nothing and reading no link counts', async () => {
    const o = await org();
    const desired = await manifest('examples/portal-swap.yaml');
    const { live, settings, readable, plan } = await planImport({ ...o, desired });
    expect(readable).toBe(true);
    expect(settings).toEqual(settingsOf(live.integration!, live.users));
    expect(plan.steps[0]?.kind).toBe('change-portal');
    expect(planCalls()).toBe(1);
    expect(o.linkReads()).toBe(0);
  });

  it("on real Zoho takes the manifest's settings (to be confirmed), and refuses another org's manifest", async () => {
    const o = await org({ zohoOnly: true });
    const { settings, readable } = await planImport({ ...o, desired: await manifest('integration.yaml') });
    expect(readable).toBe(false);
    expect(settings.portal?.name).toBe('acme-projects');
    expect(settings.users.map((u) => u.email)).toContain('alice@acme.com');
    const other = await manifest('other.yaml', `apiVersion: zpi/v1\nkind: ProjectsIntegration\norg: "1"\nstate: deactivated\n`);
    await expect(planImport({ ...o, desired: other })).rejects.toThrow(/other\.yaml governs org 1, but zpi reaches .* \(org 60012345678\)$/);
  });
});
