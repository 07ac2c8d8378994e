import type { ApiHandler, ApiRoute } from './route-types.js';
import { getIntegration, getLinks, getOrg, getPortals, getProfiles, getUsers } from './routes-read.js';
import { deleteUsers, postAssociate, postChangePortal, postDeactivate, postDisassociate, putProfilePermissions, putUserPermissions, putUsers } from './routes-write.js';

export const TOKEN_PATH = '/oauth/v2/token';
const ZP = '/crm/v8/settings/integrations/zoho_projects';

const route = (method: string, path: string, handler: ApiHandler, write = false): ApiRoute => ({
  method,
  path,
  handler,
  write,
  modelled: path.startsWith(ZP),
});

/** Every endpoint of WIRE.md A and B except the token endpoint, which needs no access token. */
export const ROUTES: readonly ApiRoute[] = [
  route('GET', '/crm/v8/org', getOrg),
  route('GET', '/crm/v8/users', getUsers),
  route('GET', '/crm/v8/settings/profiles', getProfiles),
  route('GET', '/restapi/portals', getPortals),
  route('GET', ZP, getIntegration),
  route('GET', `${ZP}/links/count`, getLinks),
  route('POST', `${ZP}/actions/associate`, postAssociate, true),
  route('POST', `${ZP}/actions/change_portal`, postChangePortal, true),
  route('POST', `${ZP}/actions/disassociate`, postDisassociate, true),
  route('POST', `${ZP}/actions/deactivate`, postDeactivate, true),
  route('PUT', `${ZP}/profile_permissions`, putProfilePermissions, true),
  route('PUT', `${ZP}/users`, putUsers, true),
  route('DELETE', `${ZP}/users`, deleteUsers, true),
  route('PUT', `${ZP}/user_permissions`, putUserPermissions, true),
];

export type RouteMatch =
  | { kind: 'token' }
  | { kind: 'api'; route: ApiRoute }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'unknown' };

/** Trailing slashes are ignored: WIRE.md writes `/restapi/portals/`, the CRM paths have none. */
export function matchRoute(method: string, pathname: string, zohoOnly: boolean): RouteMatch {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === TOKEN_PATH) return method === 'POST' ? { kind: 'token' } : { kind: 'wrong-method', allow: ['POST'] };
  // In zoho-only mode the modelled endpoints vanish, as on real Zoho, to exercise the client's manual steps.
  const candidates = ROUTES.filter((r) => r.path === path && !(zohoOnly && r.modelled));
  const hit = candidates.find((r) => r.method === method);
  if (hit) return { kind: 'api', route: hit };
  if (candidates.length > 0) return { kind: 'wrong-method', allow: candidates.map((r) => r.method) };
  return { kind: 'unknown' };
}

export const isModelledPath = (pathname: string): boolean => pathname.startsWith(ZP);
