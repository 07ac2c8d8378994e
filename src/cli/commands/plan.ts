import { resolve } from 'node:path';
import { decodeSource } from '../../manifest/decode-source.js';
import { loadManifest } from '../../manifest/load-manifest.js';
import { liveToManifest } from '../../manifest/export-manifest.js';
import { readSource } from '../../manifest/read-source.js';
import { escapeControls, UserError } from '../../model/errors.js';
import { redactSecrets, secretRedactor } from '../../provider/redactor.js';
import { renderJson, renderManifestDiff, renderMarkdown, renderText } from '../../render/index.js';
import type { Io } from '../io.js';
import { planHeader, readAndPlan } from '../make-plan.js';
import { openTarget, type TargetFlags } from '../target.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';

export interface PlanCommandOptions extends TargetFlags {
  file: string;
  out?: string;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  allowDestructive?: boolean;
  maxRevoke: number;
  diff?: boolean;
}

/** Writes a file only its owner can read (plans name users and the org). */
export function writePrivate(path: string, text: string): void {
  writeOutputFile(path, text, 0o600);
}

/** `zpi plan`: 0 success, 1 error, 2 with --detailed-exitcode when changes are pending. */
export async function planCommand(opts: PlanCommandOptions, io: Io): Promise<number> {
  // Manifest warnings are part of the plan (plan.warnings) and rendered with it.
  if (opts.out && resolve(io.cwd, opts.out) === resolve(io.cwd, opts.file)) {
    throw new UserError(`--out ${escapeControls(opts.out)} would overwrite the manifest with the plan; save the plan under another name (e.g. plan.json)`);
  }
  if (opts.out) checkOutputPath(opts.out);
  const desired = loadManifest(opts.file);
  // The manifest may name its own variable for the key (${ACME_ZSC}): its value is a secret too.
  if (desired.portal?.zscKeyVar) secretRedactor().add(io.env[desired.portal.zscKeyVar]);
  const target = await openTarget(opts, io, desired.dc);
  try {
    const options = { allowDestructive: Boolean(opts.allowDestructive), maxRevokePct: opts.maxRevoke };
    const { plan, live, readSummary } = await readAndPlan(desired, target, options, io);
    let output: string;
    if (opts.format === 'json') output = renderJson(plan);
    else if (opts.format === 'markdown') output = renderMarkdown(plan);
    else output = renderText(plan, { color: io.color, header: planHeader('plan', desired, plan), readSummary });
    if (opts.diff && opts.format !== 'json') {
      // Read as loadManifest read it: stdin once (readSource keeps its bytes), UTF-16 decoded.
      const source = readSource(opts.file);
      const decoded = 'bytes' in source ? decodeSource(source.bytes) : source;
      if ('error' in decoded) throw new UserError(`cannot read ${escapeControls(desired.file)} again for --diff: ${decoded.error}`);
      // Lines of the manifest file and of Zoho's names: escaped, one printed line each.
      const patch = renderManifestDiff(liveToManifest(live), decoded.text, desired.file).split('\n').map(escapeControls).join('\n');
      output += opts.format === 'markdown' ? `\n\`\`\`diff\n${patch}\`\`\`\n` : `\n${patch}`;
    }
    // A key pasted where a name or email goes would be printed with it: masked like in every message.
    const shown = redactSecrets(output);
    io.out(shown.endsWith('\n') ? shown : `${shown}\n`);
    if (opts.out) {
      writePrivate(opts.out, renderJson(plan));
      const out = escapeControls(opts.out);
      io.err(`Saved the plan to ${out}; apply it with: zpi apply ${out}\n`);
    }
    return opts.detailedExitcode && plan.steps.length > 0 ? 2 : 0;
  } finally {
    await target.close();
  }
}
