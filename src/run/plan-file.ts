import { readFileSync, statSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import validatePlan from '../schema/validatePlan.gen.js';
import { escapeControls, UserError } from '../model/errors.js';
import { fsReason } from '../model/fs-reason.js';
import { isObj } from '../model/is-obj.js';
import { PLAN_FORMAT_VERSION, type Plan, type StepKind } from '../model/plan.js';
import { planOfDocument, type PlanDocument } from '../model/plan-document.js';
import { parseJsonDocument } from '../model/json-document.js';

type Json = Record<string, unknown>;

// Compiled ahead of time from schema/plan.schema.json (scripts/gen-validators.mjs).
const planValidator = (): ValidateFunction => validatePlan as unknown as ValidateFunction;

const SHOWN = 5;
const STEP_KINDS: readonly StepKind[] = ['deactivate', 'associate-portal', 'change-portal', 'set-profile-permissions', 'grant-user', 'set-user-permissions', 'revoke-user'];
const TYPE_WORDS: Record<string, string> = { boolean: 'true or false', null: 'null', object: 'an object', array: 'an array', string: 'a string', number: 'a number', integer: 'a whole number' };

/**
 * Problems with `doc` as a saved plan (schema/plan.schema.json), each naming the JSON path:
 * `steps[1].kind must be deactivate | …`. Whatever the file holds, what the renderers and apply read
 * then has the shape they expect, so `zpi show` of a hand-edited file cannot crash.
 */
function planProblems(doc: Json): string[] {
  const validate = planValidator();
  if (validate(doc)) return [];
  // One line per path; the alternatives of a oneOf (null, or a list) joined with "or".
  const byPath = new Map<string, Set<string>>();
  for (const e of validate.errors ?? []) {
    const said = phrase(e, doc);
    if (!said) continue;
    const path = said.path;
    if (!byPath.has(path)) byPath.set(path, new Set());
    byPath.get(path)?.add(said.what);
  }
  const lines = [...byPath].map(([path, what]) => `${path} must be ${[...what].join(' or ')}`);
  return lines.length > SHOWN ? [...lines.slice(0, SHOWN), `and ${lines.length - SHOWN} more problems`] : lines;
}

function phrase(e: ErrorObject, doc: Json): { path: string; what: string } | undefined {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const parent = valueAt(doc, segments);
      const known = isObj(parent) && segments[0] === 'steps' && STEP_KINDS.includes(parent.kind as StepKind);
      const kind = known ? ` for a ${String((parent as Json).kind)} step` : '';
      return { path: pathOf([...segments, String(p.missingProperty)]), what: `present${kind}` };
    }
    case 'type':
      return { path: pathOf(segments), what: TYPE_WORDS[String(p.type)] ?? String(p.type) };
    case 'enum':
      return { path: pathOf(segments), what: (p.allowedValues as unknown[]).map(String).join(' | ') };
    case 'const':
      return { path: pathOf(segments), what: JSON.stringify(p.allowedValue) };
    case 'maximum':
    case 'minimum':
    case 'maxItems':
      return { path: pathOf(segments), what: String(e.message ?? 'within bounds').replace(/^must be /, '').replace(/^must NOT have more than/, 'at most') };
    default:
      // oneOf / if: their branches' own errors say what was wrong.
      return undefined;
  }
}

/** `steps[1].user.id`, printable whatever the file's keys hold. */
function pathOf(segments: string[]): string {
  const text = segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`)).join('');
  return escapeControls(text.length > 80 ? `${text.slice(0, 79)}…` : text) || '(the plan)';
}

function valueAt(doc: unknown, segments: string[]): unknown {
  let v = doc;
  for (const s of segments) v = isObj(v) || Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** A value from the file, for a message: one short printable line, whatever the file holds. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return escapeControls(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

/**
 * A step whose `manual` is not its plan's (`steps[3].manual must be true (the plan's manual)`): a
 * plan is manual as a whole, so a file that says otherwise was edited. Undefined when all agree.
 */
function manualProblem(doc: PlanDocument): string | undefined {
  const i = doc.steps.findIndex((s) => s.manual !== doc.manual);
  return i < 0 ? undefined : `steps[${i}].manual must be ${String(doc.manual)} (the plan's manual)`;
}

/**
 * Reads a plan saved with `zpi plan --out`; throws UserError saying what is wrong with it. The fields
 * the file prints for its readers (summary, apiCalls, each step's manual) are dropped: they follow
 * from the steps and the plan's manual flag, and are never read as input.
 */
export function parsePlanFile(text: string, file: string): Plan {
  const doc = parseJsonDocument(text, `${file}: not a zpi plan file`);
  if (!isObj(doc)) throw new UserError(`${file}: not a zpi plan file: expected a JSON object`);
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
  const printed = doc as unknown as PlanDocument;
  const mixed = manualProblem(printed);
  if (mixed) throw new UserError(`${file}: not a valid zpi plan: ${mixed}`);
  return planOfDocument(printed);
}

/** A saved plan is a few kB per hundred steps; anything far larger is not one. */
const MAX_PLAN_BYTES = 128 * 1024 * 1024;


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
    throw new UserError(`cannot read plan file ${file}: ${fsReason(err)}`);
  }
  return parsePlanFile(text, file);
}
