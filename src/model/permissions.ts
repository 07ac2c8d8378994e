/**
 * A permission on projects inside CRM. The manifest's schema names the same four (the generated
 * manifest.gen.ts `Permission`; src/manifest/build-desired.ts checks at compile time that the two agree).
 */
export type Permission = 'view' | 'create' | 'edit' | 'delete';

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

/*
 * A permission set as a number (view 1, create 2, edit 4, delete 8): comparing two sets is one ===,
 * which matters when a plan compares the access of 100,000 users.
 */
const BITS: ReadonlyMap<string, number> = new Map(PERMISSIONS.map((p, i) => [p, 1 << i]));
// Never handed out, only copied: not frozen, because V8 copies a frozen array a hundred times slower.
const BY_MASK: readonly Permission[][] = Array.from({ length: 16 }, (_, m) => PERMISSIONS.filter((_p, i) => (m & (1 << i)) !== 0));

/** The set as a mask; anything that is not a permission is ignored, as normalizePermissions does. */
export function permissionMask(perms: readonly Permission[]): number {
  let mask = 0;
  for (const p of perms) mask |= BITS.get(p) ?? 0;
  return mask;
}

/** A new list in canonical order: the same as normalizePermissions of any list with this mask. */
export function permissionsOfMask(mask: number): Permission[] {
  return (BY_MASK[mask & 15] as Permission[]).slice();
}
