import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import validateManifest from '../schema/validateManifest.gen.js';
import { DATE_EXAMPLE, isCalendarDate, notARealDate } from './dates.js';
import { describeValue, isPermissionItem, isPermissionList, isScalarValue, labelOf, segmentsOf, valueAt } from './describe.js';
import { closest, didYouMean } from './suggest.js';
import { pointer, type LocatedMessage, type NodeIndex } from './yaml-to-js.js';

interface SchemaNode {
  properties?: Record<string, unknown>;
  definitions?: Record<string, SchemaNode>;
  enum?: string[];
  [k: string]: unknown;
}

// Read, not imported: the same relative URL works from src/manifest (vitest) and dist/manifest (tsc).
const schema = JSON.parse(
  readFileSync(new URL('../../schema/integration.schema.json', import.meta.url), 'utf8'),
) as SchemaNode;

/**
 * The manifest schema, compiled ahead of time (src/schema/validateManifest.gen.ts, with every $ref
 * inlined so errors are pushed, not concatenated: scripts/gen-validators.mjs): a CLI run does not load ajv's compiler.
 * `format: date` (users[].expires) is JSON Schema's full-date, YYYY-MM-DD naming a day that exists:
 * the compiled code accepts any text for it and calendarErrors adds what ajv's format would report.
 */
function validate(root: unknown): ErrorObject[] {
  const ok = validateManifest(root) as boolean;
  const errors = ok ? [] : [...((validateManifest as unknown as { errors?: ErrorObject[] }).errors ?? [])];
  return errors.concat(calendarErrors(root));
}

/** ajv's `format` errors for users[].expires strings that name no real day. */
function calendarErrors(root: unknown): ErrorObject[] {
  const users = root !== null && typeof root === 'object' ? (root as { users?: unknown }).users : undefined;
  if (!Array.isArray(users)) return [];
  const out: ErrorObject[] = [];
  users.forEach((u, i) => {
    const expires = u !== null && typeof u === 'object' ? (u as { expires?: unknown }).expires : undefined;
    if (typeof expires === 'string' && !isCalendarDate(expires)) {
      out.push({ keyword: 'format', instancePath: `/users/${i}/expires`, schemaPath: '#/definitions/User/properties/expires/format', params: { format: 'date' }, message: 'must match format "date"' });
    }
  });
  return out;
}

const TOP_LEVEL_KEYS: readonly string[] = Object.keys(schema.properties ?? {});

export const PERMISSION_VALUES: readonly string[] = schema.definitions?.Permission?.enum ?? [];

const DIGIT_EXAMPLES: Record<string, string> = { org: '"60012345678"', 'portal.id': '"7001"' };

const REQUIRED_HINTS: Record<string, string> = {
  apiVersion: ' (add apiVersion: zpi/v1)',
  kind: ' (add kind: ProjectsIntegration)',
  org: ' (add the CRM org id, quoted: org: "60012345678")',
};

/** state active (or absent) and no users key: see the schema's if/then. */
const USERS_REQUIRED = 'users is required when state is active: list the users who get access, or write users: [] to give nobody access';

const isExpires = (segs: readonly string[]): boolean => segs.length === 3 && segs[0] === 'users' && segs[2] === 'expires';
const expiresFormat = (got: string): string => `expires must be a date written YYYY-MM-DD, like ${DATE_EXAMPLE} (got ${got})`;

function resolveRef(node: SchemaNode | undefined): SchemaNode | undefined {
  const ref = node?.$ref;
  if (typeof ref !== 'string') return node;
  return schema.definitions?.[ref.replace('#/definitions/', '')];
}

/**
 * The subschema that governs the value at `segs` (the keys a user entry allows, the values `dc`
 * may take), found from the instance path so messages do not depend on ajv's schemaPath layout.
 */
function schemaAt(segs: readonly string[]): SchemaNode | undefined {
  let node = resolveRef(schema);
  for (const seg of segs) {
    if (node === undefined) return undefined;
    const props = node.properties as Record<string, SchemaNode> | undefined;
    const next = props && Object.hasOwn(props, seg) ? props[seg] : ((node.items ?? node.additionalProperties) as SchemaNode | undefined);
    node = resolveRef(typeof next === 'object' ? next : undefined);
  }
  return node;
}

function typeMessage(segs: string[], expected: string, value: unknown, raw?: string): string {
  const label = labelOf(segs);
  const got = describeValue(value, raw);
  const last = segs[segs.length - 1];
  if (segs.length === 0) return `the manifest must be a mapping of apiVersion, kind, org… (got ${got})`;
  if (isExpires(segs)) return expiresFormat(got);
  if (expected === 'string') {
    const example = DIGIT_EXAMPLES[label];
    if (example !== undefined) {
      // A bare number is the classic mistake: YAML reads org: 60012345678 as an integer.
      if (typeof value === 'number' && raw !== undefined && /^[0-9]+$/.test(raw)) {
        return `${label} must be a string of digits (quote it: ${last}: "${raw}")`;
      }
      return `${label} must be a quoted string of digits, like ${example} (got ${got})`;
    }
    if (isPermissionItem(segs)) return `permission must be one of ${PERMISSION_VALUES.join(', ')} (got ${got})`;
    const allowed = schemaAt(segs)?.enum;
    if (allowed) return `${label} must be ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`} (got ${got})`;
    if (isScalarValue(value) && raw !== undefined) return `${label} must be a string (got ${got}; quote it: "${raw}")`;
    return `${label} must be a string (got ${got})`;
  }
  if (expected === 'array' && isPermissionList(segs)) {
    const hint =
      value === null ? '; write [] for no access' : typeof value === 'string' ? `; write [${value}]` : '';
    return `${label} must be a list like [view, create] (got ${got}${hint})`;
  }
  if (expected === 'array' && label === 'users') {
    const hint = value === null ? '; write users: [] to give nobody access' : '';
    return `users must be a list of entries like "- email: alice@acme.com" (got ${got}${hint})`;
  }
  if (expected === 'object' && label === 'portal') {
    const hint = typeof value === 'string' ? `; write portal: {name: ${value}}` : '';
    return `portal must be a mapping with name or id, zscKey and zscEmail (got ${got}${hint})`;
  }
  if (expected === 'object' && label === 'profiles') {
    return `profiles must be a mapping of profile name to permissions, like Standard: [view, create] (got ${got})`;
  }
  if (expected === 'object' && label === 'user entry') {
    if (typeof value === 'string' && value.includes('@')) return `each user must be a mapping: write "- email: ${value}"`;
    return `each user must be a mapping like "- email: alice@acme.com" (got ${got})`;
  }
  const noun = expected === 'object' ? 'a mapping' : expected === 'array' ? 'a list' : `a ${expected}`;
  return `${label} must be ${noun} (got ${got})`;
}

function messageFor(e: ErrorObject, root: unknown, index: NodeIndex): LocatedMessage | null {
  const segs = segmentsOf(e.instancePath);
  const loc = index.get(e.instancePath) ?? { pos: { line: 1, col: 1 } };
  const value = valueAt(root, segs);
  const label = labelOf(segs);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return { pos: loc.pos, message: typeMessage(segs, String(p.type), value, loc.raw) };
    case 'enum': {
      const allowed = (p.allowedValues as string[]).map(String);
      const v = String(value);
      const dym = didYouMean(v, allowed);
      if (isPermissionItem(segs)) return { pos: loc.pos, message: `permission "${v}" is not one of ${allowed.join(', ')}${dym}` };
      const expected = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`;
      return { pos: loc.pos, message: `${label} must be ${expected} (got "${v}")${dym}` };
    }
    case 'pattern': {
      const example = DIGIT_EXAMPLES[label];
      if (example !== undefined) return { pos: loc.pos, message: `${label} must be a string of digits, like ${example} (got ${describeValue(value)})` };
      if (isExpires(segs)) return { pos: loc.pos, message: expiresFormat(describeValue(value)) };
      if (/email$/i.test(label)) return { pos: loc.pos, message: `${label} ${describeValue(value)} is not an email address` };
      return { pos: loc.pos, message: `${label} ${describeValue(value)} does not match ${String(p.pattern)}` };
    }
    case 'format': {
      // Only expires has a format. Text not written YYYY-MM-DD fails the pattern too, with this same message.
      const why = typeof value === 'string' ? notARealDate(value) : undefined;
      if (isExpires(segs) && why === undefined) return { pos: loc.pos, message: expiresFormat(describeValue(value)) };
      return { pos: loc.pos, message: `${label} ${describeValue(value)} is not a real date: ${why ?? `expected YYYY-MM-DD, like ${DATE_EXAMPLE}`}` };
    }
    case 'minLength': {
      if (e.propertyName !== undefined) {
        const key = index.get(pointer(e.instancePath, e.propertyName));
        return { pos: key?.keyPos ?? loc.pos, message: 'profile name must not be empty' };
      }
      return { pos: loc.pos, message: `${label} must not be empty` };
    }
    case 'required': {
      const key = String(p.missingProperty);
      // At the state that makes users required, or at the top of the manifest when state is left to its default.
      if (segs.length === 0 && key === 'users') return { pos: index.get('/state')?.pos ?? loc.pos, message: USERS_REQUIRED };
      const where = segs.length === 0 ? '' : `${label} is `;
      const hint = segs.length === 0 ? (REQUIRED_HINTS[key] ?? '') : '';
      return { pos: loc.pos, message: `${where}missing required key "${key}"${hint}` };
    }
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys(schemaAt(segs)?.properties ?? {});
      const where = segs.length === 0 ? '' : ` in ${label}`;
      const keyLoc = index.get(pointer(e.instancePath, key));
      return {
        pos: keyLoc?.keyPos ?? loc.pos,
        message: `unknown key "${key}"${where} (expected one of: ${allowed.join(', ')})${didYouMean(key, allowed)}`,
      };
    }
    default:
      return { pos: loc.pos, message: `${label} ${e.message ?? 'is invalid'}` };
  }
}

/** Wrapper keywords whose own error only repeats what their sub-errors say. */
const WRAPPERS = new Set(['propertyNames', 'anyOf', 'oneOf', 'if', 'allOf', '$ref']);

/** Every schema violation, as human messages at the YAML node that caused it. */
export function schemaProblems(root: unknown, index: NodeIndex): LocatedMessage[] {
  const errors = validate(root);
  if (errors.length === 0) return [];
  // A wrong type makes every other keyword on that value noise ("must be string" + "must be one of").
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // `usres:` is reported as a typo of users; "users is required" on top of it would only repeat it.
  const usersMisspelt = errors.some(
    (e) => e.keyword === 'additionalProperties' && e.instancePath === '' && closest(String(e.params.additionalProperty), TOP_LEVEL_KEYS) === 'users',
  );
  const out: LocatedMessage[] = [];
  for (const e of errors) {
    if (WRAPPERS.has(e.keyword)) continue;
    if (e.keyword !== 'type' && typed.has(e.instancePath)) continue;
    if (usersMisspelt && e.keyword === 'required' && e.instancePath === '' && e.params.missingProperty === 'users') continue;
    // A string with `${` gets a sharper message from envRefProblems than "is not an email address".
    if (e.keyword === 'pattern' && String(valueAt(root, segmentsOf(e.instancePath))).includes('${')) continue;
    const m = messageFor(e, root, index);
    if (m) out.push(m);
  }
  return out;
}
