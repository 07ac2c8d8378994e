import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadManifest } from '../../manifest/load-manifest.js';
import { liveToManifest } from '../../manifest/export-manifest.js';
import { readSource } from '../../manifest/read-source.js';
import { UserError } from '../../model/errors.js';
import { renderJson, renderManifestDiff, renderMarkdown, renderText } from '../../render/index.js';
import type { Io } from '../io.js';
import { planHeader, readAndPlan } from '../make-plan.js';
import { openTarget, type TargetFlags } from '../target.js';
import { writeOutputFile } from '../write-output.js';

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
    throw new UserError(`--out ${opts.out} would overwrite the manifest with the plan; save the plan under another name (e.g. plan.json)`);
  }
  const desired = loadManifest(opts.file);
  const target = await openTarget(opts, io, desired.dc);
  try {
    const options = { allowDestructive: Boolean(opts.allowDestructive), maxRevokePct: opts.maxRevoke };
    const { plan, live, readSummary } = await readAndPlan(desired, target, options, io);
    let output: string;
    if (opts.format === 'json') output = renderJson(plan);
    else if (opts.format === 'markdown') output = renderMarkdown(plan);
    else output = renderText(plan, { color: io.color, header: planHeader('plan', desired, plan), readSummary });
    if (opts.diff && opts.format !== 'json') {
      // `-f -`: the manifest came on stdin (read once; readSource keeps its bytes).
      const source = opts.file === '-' || opts.file === '/dev/stdin' ? readSource(opts.file) : undefined;
      const desiredText = source && 'bytes' in source ? Buffer.from(source.bytes).toString('utf8') : readFileSync(desired.file, 'utf8');
      const patch = renderManifestDiff(liveToManifest(live), desiredText, desired.file);
      output += opts.format === 'markdown' ? `\n\`\`\`diff\n${patch}\`\`\`\n` : `\n${patch}`;
    }
    io.out(output.endsWith('\n') ? output : `${output}\n`);
    if (opts.out) {
      writePrivate(opts.out, renderJson(plan));
      io.err(`Saved the plan to ${opts.out}; apply it with: zpi apply ${opts.out}\n`);
    }
    return opts.detailedExitcode && plan.steps.length > 0 ? 2 : 0;
  } finally {
    await target.close();
  }
}
