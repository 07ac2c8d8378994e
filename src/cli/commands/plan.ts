import { dirname, relative, resolve, sep } from 'node:path';
import { displayName, loadManifest } from '../../manifest/load-manifest.js';
import { readRecord, recordPathFor } from '../../record/record-file.js';
import { escapeControls, UserError } from '../../model/errors.js';
import { redactSecrets, secretRedactor } from '../../provider/redactor.js';
import { renderJson } from '../../render/render-json.js';
import { renderMarkdown } from '../../render/render-markdown.js';
import { renderText } from '../../render/render-text.js';
import { getPlan } from '../../run/get-plan.js';
import type { Io } from '../io.js';
import { planHeader, readSummary } from '../plan-header.js';
import { shellInput } from '../shell-input.js';
import { openTarget, type TargetFlags } from '../target.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';
import { shellWord } from '../shell-word.js';

export interface PlanCommandOptions extends TargetFlags {
  file: string;
  out?: string;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  allowDestructive?: boolean;
  maxRevoke: number;
  diff?: boolean;
  /** Text output: every step and every access row, nothing shortened. */
  full?: boolean;
  /** The record (DESIGN §5a); default X.state.json beside the manifest X.yaml. */
  state?: string;
}

/** The command that applies the saved plan against the same target: the target flags used here, then the file. */
function applyCommandLine(opts: PlanCommandOptions): string {
  const words = ['zpi', 'apply'];
  if (opts.sandbox) words.push('--sandbox');
  if (opts.endpoint) words.push('--endpoint', shellWord(opts.endpoint));
  if (opts.insecureHttp) words.push('--insecure-http');
  if (opts.state) words.push('--state', shellWord(opts.state));
  words.push(shellWord(opts.out ?? ''));
  return words.join(' ');
}

/** Writes a file only its owner can read (plans name users and the org). */
export function writePrivate(path: string, text: string): void {
  writeOutputFile(path, text, 0o600);
}

/**
 * `zpi plan`: 0 success, 1 error; with --detailed-exitcode 2 when changes are pending, 3 when some of
 * them undo drift (settings changed outside zpi since the record).
 */
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
    const recordFile = recordPathFor(desired.file, opts.state);
    const record = recordFile ? readRecord(recordFile) : undefined;
    const input = shellInput(io, target);
    const { plan, live, settings, reads } = await getPlan({ ...input, desired, options, record });
    // --diff: the live settings against the manifest's, both in canonical form (render-diff.ts).
    // On real Zoho the settings come from the record, as the plan's do.
    // Loaded only for --diff: the text-diff library is most of the modules a plan would otherwise load.
    const differ = opts.diff ? await import('../../render/render-diff.js') : undefined;
    const diff = differ?.renderManifestDiff({ ...live, integration: settings }, desired, { now: new Date(input.now) });
    let output: string;
    if (opts.format === 'json') output = renderJson(plan, diff === undefined ? {} : { diff });
    else if (opts.format === 'markdown') output = renderMarkdown(plan);
    else output = renderText(plan, { color: io.color, header: planHeader('plan', desired, plan), readSummary: readSummary(reads), full: Boolean(opts.full) });
    if (differ && diff !== undefined && opts.format !== 'json') output += differ.diffSection(diff, opts.format, desired.file);
    // A key pasted where a name or email goes would be printed with it: masked like in every message.
    const shown = redactSecrets(output);
    io.out(shown.endsWith('\n') ? shown : `${shown}\n`);
    if (opts.out) {
      // Where the manifest is seen from the plan file: `zpi apply sub/plan.json` works from anywhere.
      const fromPlan = desired.file === displayName('-') ? undefined : relative(dirname(resolve(io.cwd, opts.out)), resolve(io.cwd, opts.file)).split(sep).join('/');
      writePrivate(opts.out, renderJson(fromPlan === undefined ? plan : { ...plan, manifest: { ...plan.manifest, fromPlan } }));
      io.err(`Saved the plan to ${escapeControls(opts.out)}; apply it with: ${applyCommandLine(opts)}\n`);
    }
    if (!opts.detailedExitcode || plan.steps.length === 0) return 0;
    return (plan.drift ?? []).some((d) => d.undone) ? 3 : 2;
  } finally {
    await target.close();
  }
}
