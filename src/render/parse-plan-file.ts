import { readFileSync, statSync } from 'node:fs';
import { escapeControls, UserError } from '../model/errors.js';
import { PLAN_FORMAT_VERSION, type Plan, type StepAction, type StepKind } from '../model/plan.js';

const KINDS: readonly StepKind[] = [
  'deactivate', 'associate-portal', 'change-portal', 'set-profile-permissions',
  'grant-user', 'set-user-permissions', 'revoke-user',
];
const ACTIONS: readonly StepAction[] = ['create', 'update', 'delete', 'replace'];
/** Fields each step kind needs beyond the common ones, so apply never meets a half step. */
const KIND_FIELDS: Record<StepKind, string[]> = {
  deactivate: ['before'],
  'associate-portal': ['before', 'after'],
  'change-portal': ['before', 'after'],
  'set-profile-permissions': ['profile', 'after'],
  'grant-user': ['user', 'after'],
  'set-user-permissions': ['user'],
  'revoke-user': ['user', 'before'],
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with `doc` as a saved plan, each naming the JSON path. */
function planProblems(doc: Json): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string): void => {
    if (!ok) problems.push(`${path} must be ${what}`);
  };
  const obj = (v: unknown, path: string): Json => {
    need(isObject(v), path, 'an object');
    return isObject(v) ? v : {};
  };
  const str = (v: unknown, path: string): void => need(typeof v === 'string', path, 'a string');
  const num = (v: unknown, path: string): void => need(typeof v === 'number', path, 'a number');
  const bool = (v: unknown, path: string): void => need(typeof v === 'boolean', path, 'true or false');
  const arr = (v: unknown, path: string): unknown[] => {
    need(Array.isArray(v), path, 'an array');
    return Array.isArray(v) ? v : [];
  };

  const manifest = obj(doc.manifest, 'manifest');
  str(manifest.file, 'manifest.file');
  str(manifest.hash, 'manifest.hash');
  const target = obj(doc.target, 'target');
  const org = obj(target.org, 'target.org');
  str(org.id, 'target.org.id');
  str(org.name, 'target.org.name');
  need(['sandbox', 'zoho', 'custom'].includes(target.endpointKind as string), 'target.endpointKind', 'sandbox, zoho or custom');
  str(target.endpoint, 'target.endpoint');
  str(doc.liveFingerprint, 'liveFingerprint');
  const options = obj(doc.options, 'options');
  bool(options.allowDestructive, 'options.allowDestructive');
  num(options.maxRevokePct, 'options.maxRevokePct');
  arr(doc.steps, 'steps').forEach((raw, i) => {
    const s = obj(raw, `steps[${i}]`);
    str(s.id, `steps[${i}].id`);
    str(s.target, `steps[${i}].target`);
    bool(s.destructive, `steps[${i}].destructive`);
    bool(s.manual, `steps[${i}].manual`);
    need(ACTIONS.includes(s.action as StepAction), `steps[${i}].action`, ACTIONS.join(' | '));
    const kind = s.kind as StepKind;
    need(KINDS.includes(kind), `steps[${i}].kind`, KINDS.join(' | '));
    const fields = Object.hasOwn(KIND_FIELDS, kind) ? KIND_FIELDS[kind] : [];
    for (const f of fields) need(Object.hasOwn(s, f), `steps[${i}].${f}`, `present for a ${kind} step`);
  });
  arr(doc.access, 'access');
  need(doc.brake === null || isObject(doc.brake), 'brake', 'null or an object');
  const summary = obj(doc.summary, 'summary');
  for (const k of ['add', 'change', 'remove', 'destructive']) num(summary[k], `summary.${k}`);
  num(doc.apiCalls, 'apiCalls');
  bool(doc.manual, 'manual');
  arr(doc.warnings, 'warnings').forEach((w, i) => str(w, `warnings[${i}]`));
  return problems;
}

const MAX_DEPTH = 32;

/** A value from the file, for a message: one short printable line, whatever the file holds. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return escapeControls(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

/** Whether `value` nests objects or arrays more than `max` levels deep (iterative: no recursion to overflow). */
function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
}

/** Reads a plan saved with `zpi plan --out`; throws UserError saying what is wrong with it. */
export function parsePlanFile(text: string, file: string): Plan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the input; a plan file path might name anything (a .env file), so say where, not what.
    const at = /at position (\d+)/.exec((err as Error).message);
    const where = at ? ` at ${lineCol(text, Number(at[1]))}` : '';
    throw new UserError(`${file}: not a zpi plan file: invalid JSON${where}`);
  }
  if (!isObject(doc)) throw new UserError(`${file}: not a zpi plan file: expected a JSON object`);
  // A plan nests a few levels; thousands would overflow the stack of whatever walks it next.
  if (depthOver(doc, MAX_DEPTH)) throw new UserError(`${file}: not a zpi plan file: nested more than ${MAX_DEPTH} levels deep`);
  if (doc.formatVersion !== PLAN_FORMAT_VERSION) {
    const found = doc.formatVersion === undefined ? 'it has no formatVersion' : `its formatVersion is ${quote(doc.formatVersion)}`;
    throw new UserError(
      `${file}: cannot read this plan: ${found}, and this zpi reads formatVersion ${PLAN_FORMAT_VERSION}; ` +
        'run zpi plan again to make a new one',
    );
  }
  const problems = planProblems(doc);
  if (problems.length > 0) {
    throw new UserError(`${file}: not a valid zpi plan: ${problems.join('; ')}`);
  }
  return doc as unknown as Plan;
}

/** A saved plan is a few kB per hundred steps; anything far larger is not one. */
const MAX_PLAN_BYTES = 256 * 1024 * 1024;

const WHY: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Reads and checks a plan file (`zpi show`, `zpi apply PLANFILE`); every failure, whatever the file
 * holds or is (a FIFO, a device, a huge file), is one UserError line naming the file.
 */
export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UserError(`cannot read plan file ${file}: it is a directory`);
    // A FIFO or a device would block or never end: a plan is a regular file.
    if (!st.isFile()) throw new UserError(`cannot read plan file ${file}: not a regular file`);
    if (st.size > MAX_PLAN_BYTES) throw new UserError(`${file}: not a zpi plan file: ${st.size} bytes is far too large for one`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UserError(`cannot read plan file ${file}: ${WHY[code] ?? (code || String(err))}`);
  }
  return parsePlanFile(text, file);
}
