import { renderJson, renderMarkdown, renderText } from '../../render/index.js';
import { readPlanFile } from '../../run/plan-file.js';
import type { Io } from '../io.js';
import { shellWord } from '../shell-word.js';

/**
 * `zpi show PLANFILE`: renders a saved plan without contacting Zoho (no credentials, no network).
 * The Markdown form is byte-for-byte what `zpi plan --format markdown` printed when the plan was
 * made, so CI can post a comment from the saved plan alone; the JSON form is the file, re-emitted.
 * The text form shortens long lists (gains first) unless `full`.
 */
export async function show(opts: { planfile: string; format: 'text' | 'json' | 'markdown'; full?: boolean }, io: Io): Promise<number> {
  const plan = readPlanFile(opts.planfile);
  let out: string;
  if (opts.format === 'json') out = renderJson(plan);
  else if (opts.format === 'markdown') out = renderMarkdown(plan);
  else {
    const t = plan.target;
    const header = `zpi show · ${opts.planfile} (plan of ${plan.manifest.file}) → ${t.org.name} (org ${t.org.id}) via ${t.endpointKind} ${t.endpoint}`;
    out = renderText(plan, { color: io.color, header, full: Boolean(opts.full), fullCommand: `zpi show ${shellWord(opts.planfile)} --full` });
  }
  io.out(out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}
