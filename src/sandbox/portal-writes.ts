import { isObj } from '../model/is-obj.js';
import { SandboxHttpError, ok, type WriteItem } from './http-error.js';
import type { SandboxPortal, SandboxState, SandboxUser } from './state-types.js';

export interface Mutation {
  result: WriteItem[];
  changed: boolean;
}

/** The `{zsc_key, email, portal_id}` of associate and change_portal, checked against the portal's owner. */
function checkedPortal(draft: SandboxState, body: unknown): SandboxPortal {
  const input = isObj(body) ? body : {};
  for (const key of ['zsc_key', 'email', 'portal_id']) {
    if (typeof input[key] !== 'string' || input[key] === '') {
      throw new SandboxHttpError(400, 'MANDATORY_NOT_FOUND', `${key} is required (a non-empty string)`, { api_name: key });
    }
  }
  const { zsc_key: key, email, portal_id: portalId } = input as { zsc_key: string; email: string; portal_id: string };
  const portal = draft.portals.find((p) => p.id === portalId);
  if (!portal) throw new SandboxHttpError(400, 'INVALID_DATA', `no portal with id ${portalId}`, { api_name: 'portal_id', id: portalId });
  // Zoho checks the ZSC key against the portal owner's email (domain rule 5); emails compare case-insensitively.
  if (key !== portal.zsc_key || email.toLowerCase() !== portal.owner_email.toLowerCase()) {
    throw new SandboxHttpError(400, 'INVALID_ZSC_KEY', `the ZSC key and email do not match the owner of portal ${portal.name} (${portal.id})`, { id: portal.id });
  }
  return portal;
}

function setPortal(draft: SandboxState, actor: SandboxUser, portal: SandboxPortal): void {
  const ig = draft.integration;
  ig.status = 'active';
  ig.portal_id = portal.id;
  ig.associated_by = actor.id;
  draft.links = { Accounts: 0, Contacts: 0, Deals: 0 };
}

/** POST …/actions/associate {zsc_key, email, portal_id}. Whole-request errors: nothing changes. */
export function associate(draft: SandboxState, actor: SandboxUser, body: unknown): Mutation {
  const portal = checkedPortal(draft, body);
  const ig = draft.integration;
  if (ig.portal_id === portal.id) {
    return { result: [ok(`portal ${portal.name} is already associated`, { id: portal.id })], changed: false };
  }
  if (ig.portal_id !== null) {
    // Domain rule 2: one portal per CRM org; swapping is change_portal (which drops links).
    const other = draft.portals.find((p) => p.id === ig.portal_id);
    throw new SandboxHttpError(400, 'PORTAL_ALREADY_ASSOCIATED', `portal ${other?.name ?? ig.portal_id} is associated; change the portal (actions/change_portal) to associate ${portal.name}`, { id: ig.portal_id });
  }
  setPortal(draft, actor, portal);
  return { result: [ok(`portal ${portal.name} associated`, { id: portal.id })], changed: true };
}

/**
 * POST …/actions/change_portal {zsc_key, email, portal_id}: Setup's *Change* in one call (WIRE.md B).
 * The key and email are checked against the new portal's owner before anything is dropped, and the
 * store persists the whole change or none of it, so a wrong key leaves the old portal, its users,
 * permissions and project links exactly as they were.
 */
export function changePortal(draft: SandboxState, actor: SandboxUser, body: unknown): Mutation {
  const portal = checkedPortal(draft, body);
  if (draft.integration.status === 'active' && draft.integration.portal_id === portal.id) {
    return { result: [ok(`portal ${portal.name} is already associated`, { id: portal.id })], changed: false };
  }
  const was = draft.integration.portal_id;
  clearPortal(draft);
  setPortal(draft, actor, portal);
  const from = was ? draft.portals.find((p) => p.id === was)?.name ?? was : null;
  return { result: [ok(from ? `portal changed from ${from} to ${portal.name}` : `portal ${portal.name} associated`, { id: portal.id })], changed: true };
}

/** Drops the portal, its project links, granted users and all permissions (WIRE.md B). */
function clearPortal(draft: SandboxState): boolean {
  const ig = draft.integration;
  const { links } = draft;
  const had =
    ig.portal_id !== null ||
    ig.users.length > 0 ||
    Object.keys(ig.profile_permissions).length > 0 ||
    Object.keys(ig.user_permissions).length > 0 ||
    links.Accounts + links.Contacts + links.Deals > 0;
  Object.assign(ig, { portal_id: null, associated_by: null, users: [], profile_permissions: {}, user_permissions: {} });
  draft.links = { Accounts: 0, Contacts: 0, Deals: 0 };
  return had;
}

export function disassociate(draft: SandboxState): Mutation {
  const was = draft.integration.portal_id;
  const changed = clearPortal(draft);
  return { result: [ok(was ? `portal ${was} disassociated` : 'no portal was associated', { id: was })], changed };
}

export function deactivate(draft: SandboxState): Mutation {
  const was = draft.integration.status;
  const changed = clearPortal(draft) || was !== 'inactive';
  draft.integration.status = 'inactive';
  return { result: [ok(was === 'inactive' ? 'the integration was already inactive' : 'the integration is deactivated', {})], changed };
}
