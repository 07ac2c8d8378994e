import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../../model/errors.js';
import type { Plan } from '../../model/plan.js';
import { parsePlanFile, renderJson, renderMarkdown, renderText } from '../../render/index.js';
import type { Io } from '../io.js';

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

/** Reads and checks a plan file; every failure is one UserError line naming the file. */
export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_PLAN_BYTES) throw new UserError(`${file}: not a zpi plan file: ${size} bytes is far too large for one`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UserError(`cannot read plan file ${file}: ${WHY[code] ?? (code || String(err))}`);
  }
  return parsePlanFile(text, file);
}

/**
 * `zpi show PLANFILE`: renders a saved plan without contacting Zoho (no credentials, no network).
 * The Markdown form is byte-for-byte what `zpi plan --format markdown` printed when the plan was
 * made, so CI can post a comment from the saved plan alone; the JSON form is the file, re-emitted.
 */
export async function show(opts: { planfile: string; format: 'text' | 'json' | 'markdown' }, io: Io): Promise<number> {
  const plan = readPlanFile(opts.planfile);
  let out: string;
  if (opts.format === 'json') out = renderJson(plan);
  else if (opts.format === 'markdown') out = renderMarkdown(plan);
  else {
    const t = plan.target;
    const header = `zpi show · ${opts.planfile} (plan of ${plan.manifest.file}) → ${t.org.name} (org ${t.org.id}) via ${t.endpointKind} ${t.endpoint}`;
    out = renderText(plan, { color: io.color, header });
  }
  io.out(out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}
