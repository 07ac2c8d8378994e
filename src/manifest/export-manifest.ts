import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Live, LiveIntegration } from '../model/live.js';
import { normalizePermissions, type Permission } from '../model/permissions.js';

/**
 * Where an editor finds the manifest's schema: zpi installed as a package in the repository that holds
 * the manifest (`npm install --save-dev zpi`), relative to the manifest's directory, as
 * yaml-language-server resolves it. `./schema/…` exists only in a clone of zpi itself.
 */
export const DEFAULT_SCHEMA_PATH = 'node_modules/zpi/schema/integration.schema.json';
const ZSC_KEY_REF = '${ZPI_ZSC_KEY}';

const quoted = (value: string): Scalar => {
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
};

/** `[view, create]`: one line per profile or user reads better than a block list. */
const flowList = (perms: readonly Permission[]): YAMLSeq => {
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const p of normalizePermissions(perms)) seq.add(p);
  return seq;
};

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function addIntegration(root: YAMLMap, live: Live, integration: LiveIntegration): void {
  if (integration.status === 'inactive') {
    root.add({ key: 'state', value: 'deactivated' });
    return;
  }
  root.add({ key: 'state', value: 'active' });
  const livePortal = integration.portal;
  if (livePortal === null) {
    root.commentBefore = ' The integration is active but no portal is associated: add a portal before planning.';
    return;
  }
  const owner = live.portals.find((p) => p.id === livePortal.id)?.ownerEmail?.toLowerCase();
  const portal = new YAMLMap();
  portal.add({ key: 'name', value: livePortal.name });
  portal.add({ key: 'id', value: quoted(livePortal.id) });
  portal.add({ key: 'zscKey', value: ZSC_KEY_REF });
  if (owner) portal.add({ key: 'zscEmail', value: owner });
  root.add({ key: 'portal', value: portal });

  const profiles = new YAMLMap();
  for (const name of Object.keys(integration.profilePermissions).sort(byString)) {
    profiles.add({ key: name, value: flowList(integration.profilePermissions[name] ?? []) });
  }
  root.add({ key: 'profiles', value: profiles });

  const byId = new Map(live.users.map((u) => [u.id, u]));
  const unknown: string[] = [];
  const inactive: string[] = [];
  const granted: { email: string; id: string }[] = [];
  for (const id of integration.users) {
    const user = byId.get(id);
    if (user === undefined) unknown.push(id);
    // Only active, confirmed users may be listed (DESIGN §3 rule 3); a plan revokes the others.
    else if (user.status !== 'active' || !user.confirmed) inactive.push(`${user.email.toLowerCase()} (${user.confirmed ? user.status : 'unconfirmed'})`);
    // The portal owner has access by owning the portal and may not be listed (DESIGN §3 rule 3).
    else if (user.email.toLowerCase() !== owner) granted.push({ email: user.email.toLowerCase(), id });
  }
  const users = new YAMLSeq();
  for (const { email, id } of granted.sort((a, b) => byString(a.email, b.email))) {
    const entry = new YAMLMap();
    entry.add({ key: 'email', value: email });
    // Every override, also one equal to the profile's permissions: it pins the user (DESIGN §2).
    const override = Object.hasOwn(integration.userPermissions, id) ? integration.userPermissions[id] : undefined;
    if (override !== undefined) entry.add({ key: 'permissions', value: flowList(override) });
    users.add(entry);
  }
  const usersPair = { key: new Scalar('users'), value: users };
  const notes: string[] = [];
  if (unknown.length > 0) {
    notes.push(` Left out: user ids with access that are not CRM users zpi could read: ${unknown.sort(byString).join(', ')}`);
  }
  if (inactive.length > 0) {
    notes.push(` Left out: users with access who are not active and confirmed in CRM (a plan revokes them): ${inactive.sort(byString).join(', ')}`);
  }
  if (notes.length > 0) usersPair.key.commentBefore = notes.join('\n');
  root.add(usersPair);
}

export interface ExportOptions {
  /**
   * The `# yaml-language-server: $schema=` path, relative to the manifest's directory (or a URL);
   * DEFAULT_SCHEMA_PATH when absent, no modeline when null.
   */
  schemaPath?: string | null;
}

/**
 * The live integration as a zpi/v1 manifest: validates, and plans to zero changes against the
 * state it came from. Pure; `zpi export` writes the result. Built with yaml's Document API so
 * quoting (org ids, `${…}`) is always right.
 *
 * Every managed setting the org has is written, so drift on any of them shows in the next plan: a
 * profile with an entry but no permissions as `Name: []`, and every per-user override, also one
 * equal to the user's profile (an override is reconciled as declared, DESIGN §2).
 */
export function liveToManifest(live: Live, options: ExportOptions = {}): string {
  const doc = new Document();
  const root = new YAMLMap();
  root.add({ key: 'apiVersion', value: 'zpi/v1' });
  root.add({ key: 'kind', value: 'ProjectsIntegration' });
  root.add({ key: 'org', value: quoted(live.org.id) });
  doc.contents = root;
  const schemaPath = options.schemaPath === undefined ? DEFAULT_SCHEMA_PATH : options.schemaPath;
  const header: string[] = [];
  if (schemaPath !== null) header.push(` yaml-language-server: $schema=${schemaPath}`);
  header.push(` Exported by zpi export from ${live.org.companyName || 'the CRM org'} (org ${live.org.id}).`);
  if (live.integration === null) {
    header.push(
      ' The integration settings could not be read (Zoho publishes no API for them):',
      ' fill in the portal, profiles and users from Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.',
    );
    const names = live.portals.map((p) => `${p.name} (id ${p.id})`).join(', ');
    if (names) header.push(` Portals this org can see: ${names}.`);
  } else {
    addIntegration(root, live, live.integration);
  }
  doc.commentBefore = header.join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
