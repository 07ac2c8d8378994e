import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import validateRecord from '../schema/validateRecord.gen.js';
import validateSteps from '../schema/validateSteps.gen.js';
import { escapeControls, UserError } from '../model/errors.js';
import { fsReason, WRITE_REASONS } from '../model/fs-reason.js';
import { parseJsonDocument } from '../model/json-document.js';
import { RECORD_FORMAT_VERSION, RECORD_KIND, type RecordFile } from '../model/record.js';

// Compiled ahead of time from schema/record.schema.json and plan.schema.json (scripts/gen-validators.mjs).
// `pending` steps are checked against the plan schema's Step only when there are any (after a crash).
const recordValidator = (): ValidateFunction => validateRecord as unknown as ValidateFunction;
const pendingValidator = (): ValidateFunction => validateSteps as unknown as ValidateFunction;

/** A record of 100,000 users is about 6 MB; far more is not one. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;


/**
 * The record beside a manifest: `X.state.json` for `X.yaml` (DESIGN §5a). A manifest read from
 * standard input (`-`, shown as `<stdin>`) has none unless --state says where.
 */
export function recordPathFor(manifestFile: string, stateFlag: string | undefined): string | undefined {
  if (stateFlag) return stateFlag;
  if (manifestFile === '-' || manifestFile === '<stdin>' || manifestFile.startsWith('/dev/') || manifestFile.startsWith('/proc/')) return undefined;
  const name = basename(manifestFile).replace(/\.ya?ml$/i, '');
  return join(dirname(manifestFile), `${name}.state.json`);
}

/** Reads the record at `file`; undefined when there is none yet. Anything else wrong is one UserError line. */
export function readRecord(file: string): RecordFile | undefined {
  const shown = escapeControls(file);
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UserError(`cannot read the record ${shown}: ${st.isDirectory() ? 'it is a directory' : 'not a regular file'}`);
    if (st.size > MAX_RECORD_BYTES) throw new UserError(`${shown}: not a zpi record: ${st.size} bytes is far too large for one`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the record ${shown}: ${fsReason(err)}`);
  }
  const fix = 'restore it from git, or pass --state with another file';
  const doc = parseJsonDocument(text, `${shown}: not a zpi record (${fix})`, 'a record') as Record<string, unknown> | null;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || doc.kind !== RECORD_KIND) {
    throw new UserError(`${shown} is not a zpi record (no "kind": "${RECORD_KIND}"): ${fix}`);
  }
  if (doc.formatVersion !== RECORD_FORMAT_VERSION) {
    const v = typeof doc.formatVersion === 'number' ? doc.formatVersion : JSON.stringify(doc.formatVersion ?? null).slice(0, 20);
    throw new UserError(`${shown}: record formatVersion ${escapeControls(String(v))} is not one this zpi reads (${RECORD_FORMAT_VERSION}); upgrade zpi`);
  }
  const refuse = (validate: ValidateFunction, prefix: string): never => {
    const e = validate.errors?.[0];
    const where = `${prefix}${e?.instancePath ? e.instancePath.split('/').slice(1).join('.') : ''}` || '(the record)';
    throw new UserError(`${shown}: not a valid zpi record: ${escapeControls(where.slice(0, 120))} ${e?.message ?? 'is malformed'} (${fix})`);
  };
  const validate = recordValidator();
  if (!validate(doc)) refuse(validate, '');
  for (const [key, section] of Object.entries((doc as unknown as RecordFile).sections)) {
    if (!section.pending || section.pending.length === 0) continue;
    const steps = pendingValidator();
    if (!steps(section.pending)) refuse(steps, `sections.${key}.pending.`);
  }
  return doc as unknown as RecordFile;
}

/**
 * Writes the record atomically: a temporary file beside it, flushed to disk, renamed over it. A
 * crash or kill -9 leaves the old record or the new one, never half of either.
 */
export function writeRecord(file: string, record: RecordFile): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, serializeRecord(record));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UserError(`cannot write the record ${escapeControls(file)}: ${fsReason(err, WRITE_REASONS)}`);
  }
}

/**
 * JSON for people and for git: one user, one history entry, one permission list per line, so a
 * change to the record reads as a short diff in a pull request.
 */
export function serializeRecord(record: RecordFile): string {
  const out: string[] = [];
  pretty(record, '', out);
  out.push('\n');
  return out.join('');
}

/** A value JSON.stringify writes on one line here: a scalar, a list of scalars, an object of those. */
function flat(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') return false;
    return true;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (v !== null && typeof v === 'object' && !(Array.isArray(v) && flat(v))) return false;
  }
  return true;
}

// Parts pushed on one list and joined once: the record is written a dozen times per apply, at
// 100,000 users a few megabytes each.
function pretty(value: unknown, indent: string, out: string[]): void {
  if (flat(value)) {
    out.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    out.push('[\n');
    value.forEach((v, i) => {
      if (i > 0) out.push(',\n');
      out.push(inner);
      pretty(v, inner, out);
    });
    out.push('\n', indent, ']');
    return;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{\n');
  keys.forEach((k, i) => {
    if (i > 0) out.push(',\n');
    out.push(inner, JSON.stringify(k), ': ');
    pretty(o[k], inner, out);
  });
  out.push('\n', indent, '}');
}
