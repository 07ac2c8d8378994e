import type { Desired, DesiredPortal, DesiredUser, SourcePos } from '../model/desired.js';
import { normalizePermissions, type Permission } from '../model/permissions.js';
import type { Permission as SchemaPermission, ZpiManifest } from './manifest.gen.js';
import { referenceName } from './env-refs.js';
import { pointer, type NodeIndex } from './yaml-to-js.js';

// The schema's permissions (generated) are the model's: a fifth one in either fails to compile here.
type PermissionsAgree = [SchemaPermission, Permission] extends [Permission, SchemaPermission] ? true : never;
true satisfies PermissionsAgree;

/**
 * The validated manifest as plan() wants it. Only called once the schema and domain checks have
 * passed, so the cast to ZpiManifest is sound.
 */
export function buildDesired(
  manifest: ZpiManifest,
  index: NodeIndex,
  meta: { file: string; hash: string; warnings: string[] },
): Desired {
  const posOf = (ptr: string): SourcePos => index.get(ptr)?.pos ?? { line: 1, col: 1 };
  const keyPosOf = (ptr: string): SourcePos => index.get(ptr)?.keyPos ?? posOf(ptr);
  const state = manifest.state ?? 'active';
  const desired: Desired = {
    file: meta.file,
    hash: meta.hash,
    org: manifest.org,
    orgPos: posOf('/org'),
    state,
    // No state key: point at the top of the manifest, where it would go.
    statePos: manifest.state === undefined ? posOf('') : posOf('/state'),
    profiles: {},
    users: [],
    // The `users:` key: what a revoke traces to (no key: the top of the manifest).
    usersPos: index.has('/users') ? keyPosOf('/users') : posOf(''),
    warnings: meta.warnings,
  };
  if (manifest.dc !== undefined) desired.dc = manifest.dc;
  // A deactivated org has no portal, users or profiles to manage (DESIGN §2: ignored, with a warning).
  if (state === 'deactivated') return desired;

  if (manifest.portal) {
    const p = manifest.portal;
    const portal: DesiredPortal = { pos: keyPosOf('/portal') };
    if (p.id !== undefined) portal.id = p.id;
    if (p.name !== undefined) portal.name = p.name;
    if (p.zscKey !== undefined) portal.zscKeyVar = referenceName(p.zscKey);
    if (p.zscEmail !== undefined) {
      portal.zscEmail = p.zscEmail.toLowerCase();
      portal.zscEmailPos = posOf('/portal/zscEmail');
    }
    desired.portal = portal;
  }
  for (const [name, perms] of Object.entries(manifest.profiles ?? {})) {
    // defineProperty: a profile literally named __proto__ must stay data, not become a prototype.
    Object.defineProperty(desired.profiles, name, {
      value: { permissions: normalizePermissions(perms), pos: keyPosOf(pointer('/profiles', name)) },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  desired.users = (manifest.users ?? []).map((u, i): DesiredUser => {
    const user: DesiredUser = { email: u.email.toLowerCase(), pos: posOf(pointer('/users', i)) };
    if (u.permissions !== undefined) user.permissions = normalizePermissions(u.permissions as Permission[]);
    if (u.expires !== undefined) {
      user.expires = u.expires;
      user.expiresPos = posOf(pointer(pointer('/users', i), 'expires'));
    }
    return user;
  });
  return desired;
}
