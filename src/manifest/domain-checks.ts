import type { SourcePos } from '../model/desired.js';
import { isObj, type Obj } from '../model/is-obj.js';
import { PERMISSIONS } from '../model/permissions.js';
import { pointer, type LocatedMessage, type NodeIndex } from './yaml-to-js.js';

const has = (o: Obj, k: string): boolean => Object.hasOwn(o, k);
const NEED_VIEW = ['create', 'edit', 'delete'];

export interface DomainFindings {
  problems: LocatedMessage[];
  warnings: LocatedMessage[];
}

/**
 * The rules JSON Schema cannot say (DESIGN §2). Runs on whatever parts of the manifest are
 * well-typed, so a typo in one place does not hide a duplicate user in another.
 */
export function domainChecks(root: unknown, index: NodeIndex): DomainFindings {
  const problems: LocatedMessage[] = [];
  const warnings: LocatedMessage[] = [];
  if (!isObj(root)) return { problems, warnings };
  const posOf = (ptr: string): SourcePos => index.get(ptr)?.pos ?? { line: 1, col: 1 };
  const keyPosOf = (ptr: string): SourcePos => index.get(ptr)?.keyPos ?? posOf(ptr);

  const checkPermissions = (list: unknown, ptr: string, owner: string): void => {
    if (!Array.isArray(list)) return;
    const seen = new Set<string>();
    list.forEach((p, i) => {
      if (typeof p !== 'string' || !(PERMISSIONS as readonly string[]).includes(p)) return;
      if (seen.has(p)) problems.push({ pos: posOf(pointer(ptr, i)), message: `permission "${p}" is listed twice` });
      seen.add(p);
    });
    const without = NEED_VIEW.filter((p) => seen.has(p));
    if (without.length > 0 && !seen.has('view')) {
      const fixed = PERMISSIONS.filter((p) => p === 'view' || seen.has(p)).join(', ');
      problems.push({
        pos: posOf(ptr),
        message: `${owner} has ${without.join(', ')} without view: create, edit and delete need view (write [${fixed}])`,
      });
    }
  };

  if (isObj(root.profiles)) {
    for (const [name, perms] of Object.entries(root.profiles)) {
      checkPermissions(perms, pointer('/profiles', name), `profile "${name}"`);
    }
  }

  if (Array.isArray(root.users)) {
    // By index: positions are looked up only for the duplicates (a manifest may list 100,000 users).
    const firstAt = new Map<string, number>();
    root.users.forEach((u, i) => {
      if (!isObj(u)) return;
      const email = typeof u.email === 'string' ? u.email.toLowerCase() : undefined;
      if (u.permissions !== undefined) {
        checkPermissions(u.permissions, pointer(pointer('/users', i), 'permissions'), email ? `user ${email}` : 'user entry');
      }
      if (email === undefined) return;
      const first = firstAt.get(email);
      // Emails compare case-insensitively (DESIGN §2): Bob@ and bob@ are the same CRM user.
      if (first !== undefined) {
        const line = posOf(pointer('/users', first)).line;
        problems.push({ pos: posOf(pointer('/users', i)), message: `user ${email} is listed twice (first at line ${line})` });
      } else firstAt.set(email, i);
    });
  }

  if (isObj(root.portal) && !has(root.portal, 'name') && !has(root.portal, 'id')) {
    problems.push({ pos: posOf('/portal'), message: 'portal needs a name or an id (like name: acme-projects)' });
  }

  const state = root.state ?? 'active';
  if (state === 'deactivated') {
    // DESIGN §2: deactivation ignores the rest; warn so nobody thinks those lines still do something.
    for (const key of ['portal', 'profiles', 'users']) {
      if (has(root, key)) {
        warnings.push({ pos: keyPosOf(`/${key}`), message: `${key} is ignored because state is deactivated` });
      }
    }
  } else if (state === 'active' && !has(root, 'portal')) {
    const pos = has(root, 'state') ? posOf('/state') : posOf('');
    problems.push({ pos, message: 'portal is required when state is active' });
  }
  return { problems, warnings };
}
