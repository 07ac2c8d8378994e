/** Words for the parts of a manifest, shared by the schema and domain messages. */

/** JSON pointer → its unescaped segments. */
export function segmentsOf(ptr: string): string[] {
  return ptr === '' ? [] : ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function valueAt(root: unknown, segs: readonly string[]): unknown {
  let v: unknown = root;
  for (const s of segs) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, s)) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

export function isPermissionItem(segs: readonly string[]): boolean {
  return (segs[0] === 'profiles' && segs.length === 3) || (segs[0] === 'users' && segs[2] === 'permissions' && segs.length === 4);
}

export function isPermissionList(segs: readonly string[]): boolean {
  return (segs[0] === 'profiles' && segs.length === 2) || (segs[0] === 'users' && segs[2] === 'permissions' && segs.length === 3);
}

/** What the user would call the value at `segs`. */
export function labelOf(segs: readonly string[]): string {
  if (segs.length === 0) return 'the manifest';
  if (isPermissionItem(segs)) return 'permission';
  if (segs[0] === 'profiles' && segs.length === 2) return `permissions of profile "${segs[1]}"`;
  if (segs[0] === 'users' && segs.length === 2) return 'user entry';
  if (segs[0] === 'users' && segs.length === 3) return segs[2]!;
  return segs.join('.');
}

const shorten = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

/** `"text"`, `the number 42`, `a list`… for "(got …)". */
export function describeValue(value: unknown, raw?: string): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(shorten(value));
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${shorten(raw ?? String(value))}`;
  if (typeof value === 'boolean') return `the boolean ${raw ?? String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  return 'a mapping';
}

export const isScalarValue = (v: unknown): boolean =>
  typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
