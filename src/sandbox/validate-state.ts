import { isObj, type Obj } from '../model/is-obj.js';
import { PERMISSIONS } from '../model/permissions.js';

/**
 * Every problem that makes `value` unusable as sandbox state, as `path: message` strings; [] = valid.
 * Checks references too (a user's profile, the associated portal, granted user ids), because the
 * endpoints assume them and a dangling one would surface later as a confusing 500.
 */
export function stateProblems(value: unknown): string[] {
  const p: string[] = [];
  if (!isObj(value)) return ['the top level must be a JSON object'];
  const str = (o: Obj, key: string, at: string): void => {
    if (typeof o[key] !== 'string' || o[key] === '') p.push(`${at}.${key} must be a non-empty string`);
  };
  const list = (key: string): Obj[] => {
    const v = value[key];
    if (!Array.isArray(v)) {
      p.push(`${key} must be an array`);
      return [];
    }
    return v.filter((item, i) => isObj(item) || (p.push(`${key}[${i}] must be an object`), false)) as Obj[];
  };

  if (!isObj(value.org)) p.push('org must be an object');
  else for (const k of ['id', 'company_name', 'primary_email', 'type']) str(value.org, k, 'org');

  const profiles = list('profiles');
  profiles.forEach((pr, i) => ['id', 'name'].forEach((k) => str(pr, k, `profiles[${i}]`)));
  unique(profiles, 'id', 'profiles', p);
  unique(profiles, 'name', 'profiles', p);
  const profileNames = new Set(profiles.map((pr) => pr.name));

  const users = list('users');
  users.forEach((u, i) => {
    for (const k of ['id', 'email', 'full_name', 'status', 'profile', 'role']) str(u, k, `users[${i}]`);
    if (typeof u.confirm !== 'boolean') p.push(`users[${i}].confirm must be true or false`);
    if (typeof u.profile === 'string' && !profileNames.has(u.profile)) p.push(`users[${i}].profile "${u.profile}" is not in profiles`);
  });
  unique(users, 'id', 'users', p);
  unique(users, 'email', 'users', p, (s) => s.toLowerCase());
  const userIds = new Set(users.map((u) => u.id));
  const emails = new Set(users.map((u) => String(u.email).toLowerCase()));

  const portals = list('portals');
  portals.forEach((po, i) => ['id', 'name', 'owner_email', 'zsc_key'].forEach((k) => str(po, k, `portals[${i}]`)));
  unique(portals, 'id', 'portals', p);

  if (value.credentials !== undefined) {
    list('credentials').forEach((c, i) => {
      for (const k of ['client_id', 'client_secret', 'refresh_token', 'user']) str(c, k, `credentials[${i}]`);
      if (typeof c.user === 'string' && !emails.has(c.user.toLowerCase())) p.push(`credentials[${i}].user ${c.user} is not in users`);
    });
  }

  const ig = value.integration;
  if (!isObj(ig)) p.push('integration must be an object');
  else {
    if (ig.status !== 'active' && ig.status !== 'inactive') p.push('integration.status must be "active" or "inactive"');
    if (ig.portal_id !== null && !portals.some((po) => po.id === ig.portal_id)) p.push('integration.portal_id must be null or the id of one of portals');
    if (ig.status === 'inactive' && ig.portal_id !== null) p.push('integration.portal_id must be null when integration.status is "inactive"');
    if (ig.associated_by !== undefined && ig.associated_by !== null && !userIds.has(ig.associated_by as string)) p.push('integration.associated_by must be null or a user id');
    if (!Array.isArray(ig.users)) p.push('integration.users must be an array of user ids');
    else {
      ig.users.forEach((id, i) => userIds.has(id as string) || p.push(`integration.users[${i}] ${JSON.stringify(id)} is not a user id`));
      if (new Set(ig.users).size !== ig.users.length) p.push('integration.users lists a user twice');
    }
    permissionMap(ig.profile_permissions, 'integration.profile_permissions', profileNames, 'profile name', p);
    permissionMap(ig.user_permissions, 'integration.user_permissions', userIds, 'user id', p);
  }

  if (!isObj(value.links)) p.push('links must be an object');
  else for (const k of ['Accounts', 'Contacts', 'Deals']) {
    const n = value.links[k];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) p.push(`links.${k} must be a whole number >= 0`);
  }
  return p;
}

function unique(items: Obj[], key: string, at: string, p: string[], norm = (s: string) => s): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item[key] !== 'string') continue;
    const k = norm(item[key] as string);
    if (seen.has(k)) p.push(`${at}: ${key} ${JSON.stringify(item[key])} appears twice`);
    seen.add(k);
  }
}

function permissionMap(v: unknown, at: string, keys: Set<unknown>, what: string, p: string[]): void {
  if (!isObj(v)) {
    p.push(`${at} must be an object`);
    return;
  }
  for (const [k, perms] of Object.entries(v)) {
    if (!keys.has(k)) p.push(`${at}: "${k}" is not a known ${what}`);
    const problem = permissionListProblem(perms);
    if (problem) p.push(`${at}["${k}"] ${problem}`);
  }
}

/** Why `perms` is not a valid permission list, or undefined when it is. */
export function permissionListProblem(perms: unknown): string | undefined {
  if (!Array.isArray(perms)) return 'must be an array of view, create, edit, delete';
  if (perms.some((x) => !PERMISSIONS.includes(x))) return 'may only contain view, create, edit, delete';
  if (new Set(perms).size !== perms.length) return 'lists a permission twice';
  if (perms.length > 0 && !perms.includes('view')) return 'gives create, edit or delete without view';
  return undefined;
}
