import { grantUsers, revokeUsers, setProfilePermissions, setUserPermissions } from './access-writes.js';
import { SandboxHttpError } from './http-error.js';
import { isAdmin } from './org-lookup.js';
import { associate, changePortal, deactivate, disassociate, type Mutation } from './portal-writes.js';
import type { ApiHandler, RequestContext } from './route-types.js';
import type { SandboxState, SandboxUser } from './state-types.js';
import { batchOf, checkBatch, parseJson } from './write-input.js';

/**
 * Wraps a state change as a handler: domain rule 1 (administrators only), then the change runs on a
 * copy inside the store's write queue, so it is persisted whole or not at all.
 */
function write(change: (draft: SandboxState, actor: SandboxUser, ctx: RequestContext, body: unknown) => Mutation): ApiHandler {
  return async (ctx, actor) => {
    if (!isAdmin(actor)) {
      throw new SandboxHttpError(403, 'NO_PERMISSION', `permission denied: only a CRM administrator can configure the Zoho Projects integration (${actor.email} has profile ${actor.profile})`);
    }
    const body = parseJson(ctx.body);
    const data = await ctx.store.mutate((draft) => change(draft, actor, ctx, body));
    return { status: 200, body: { data } };
  };
}

export const postAssociate = write((draft, actor, _ctx, body) => associate(draft, actor, body));
export const postChangePortal = write((draft, actor, _ctx, body) => changePortal(draft, actor, body));
export const postDisassociate = write((draft) => disassociate(draft));
export const postDeactivate = write((draft) => deactivate(draft));
export const putProfilePermissions = write((draft, _a, _c, body) => setProfilePermissions(draft, batchOf(body, 'profile_permissions')));
export const putUsers = write((draft, _a, _c, body) => grantUsers(draft, batchOf(body, 'users')));
export const putUserPermissions = write((draft, _a, _c, body) => setUserPermissions(draft, batchOf(body, 'user_permissions')));

export const deleteUsers = write((draft, _a, ctx) => {
  const raw = ctx.url.searchParams.get('ids');
  if (raw === null || raw.trim() === '') {
    throw new SandboxHttpError(400, 'MANDATORY_NOT_FOUND', 'the ids query parameter is required (comma-separated user ids)', { param_name: 'ids' });
  }
  const ids = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return revokeUsers(draft, checkBatch(ids, 'ids') as string[]);
});
