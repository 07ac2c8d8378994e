import { readFileSync } from 'node:fs';
import { UserError } from '../../model/errors.js';
import { parsePlanFile, renderJson, renderMarkdown, renderText } from '../../render/index.js';
import type { Io } from '../io.js';

/** `zpi show PLANFILE`: renders a saved plan without contacting Zoho. */
export async function show(opts: { planfile: string; format: 'text' | 'json' | 'markdown' }, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(opts.planfile, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read plan file ${opts.planfile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const plan = parsePlanFile(text, opts.planfile);
  const out =
    opts.format === 'json' ? renderJson(plan) : opts.format === 'markdown' ? renderMarkdown(plan) : renderText(plan, { color: io.color });
  io.out(out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}
