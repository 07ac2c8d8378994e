import { isObj, type Obj } from '../model/is-obj.js';
import { MAX_BATCH } from '../model/batch.js';
import { PERMISSIONS, type Permission } from '../model/permissions.js';
import { SandboxHttpError } from './http-error.js';


/** The JSON body, or undefined when there is none; 400 INVALID_DATA when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SandboxHttpError(400, 'INVALID_DATA', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** The items of `{[key]: [...]}`, checked for presence and batch size. */
export function batchOf(body: unknown, key: string): unknown[] {
  if (!isObj(body) || body[key] === undefined) {
    throw new SandboxHttpError(400, 'MANDATORY_NOT_FOUND', `the request body must be {"${key}": [...]}`, { api_name: key });
  }
  return checkBatch(body[key], key);
}

export function checkBatch(items: unknown, key: string): unknown[] {
  if (!Array.isArray(items)) throw new SandboxHttpError(400, 'INVALID_DATA', `${key} must be an array`, { api_name: key });
  if (items.length === 0) throw new SandboxHttpError(400, 'MANDATORY_NOT_FOUND', `${key} is empty`, { api_name: key });
  if (items.length > MAX_BATCH) {
    throw new SandboxHttpError(400, 'LIMIT_EXCEEDED', `at most ${MAX_BATCH} ${key} per call, got ${items.length}`, { api_name: key, limit: MAX_BATCH });
  }
  return items;
}

/** `{view, create, edit, delete}` booleans → a permission list, or why they are not acceptable. */
export function flagsToPermissions(item: Obj): Permission[] | string {
  // All four are required: a client that sends another shape must not silently grant "no access".
  const missing = PERMISSIONS.filter((p) => typeof item[p] !== 'boolean');
  if (missing.length > 0) return `expected true or false for ${missing.join(', ')}`;
  const perms = PERMISSIONS.filter((p) => item[p] === true);
  if (perms.length > 0 && !perms.includes('view')) return 'create, edit and delete need view';
  return perms;
}
