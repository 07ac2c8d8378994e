import type { Permission } from '../manifest/manifest.gen.js';

export type { Permission };

/** Canonical order of permissions; every permission list zpi stores or prints uses it. */
export const PERMISSIONS: readonly Permission[] = ['view', 'create', 'edit', 'delete'];

/** Sorted, de-duplicated copy of `perms` in canonical order. */
export function normalizePermissions(perms: readonly Permission[]): Permission[] {
  return PERMISSIONS.filter((p) => perms.includes(p));
}

export function samePermissions(a: readonly Permission[], b: readonly Permission[]): boolean {
  const na = normalizePermissions(a);
  const nb = normalizePermissions(b);
  return na.length === nb.length && na.every((p, i) => p === nb[i]);
}

/** "view,create" or "none". */
export function formatPermissions(perms: readonly Permission[]): string {
  const n = normalizePermissions(perms);
  return n.length === 0 ? 'none' : n.join(',');
}
