import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, executePlan, formatStepLine, formatSummary, type ApplyEvent, type ApplyLock } from '../../apply/index.js';
import { preflight } from '../../apply/preflight.js';
import { displayName, loadManifest } from '../../manifest/load-manifest.js';
import { UserError } from '../../model/errors.js';
import { fingerprintWithSections } from '../../model/fingerprint.js';
import type { Plan, Step } from '../../model/plan.js';
import { parsePlanFile, renderText } from '../../render/index.js';
import type { Io } from '../io.js';
import { planHeader, readAndPlan } from '../make-plan.js';
import { progressBar } from '../progress.js';
import { retryPolicyFromEnv } from '../retry-env.js';
import { openTarget, type OpenTarget, type TargetFlags } from '../target.js';

export interface ApplyCommandOptions extends TargetFlags {
  planfile?: string;
  file: string;
  autoApprove?: boolean;
  allowDestructive?: boolean;
  maxRevoke: number;
  json?: boolean;
}

/** `zpi apply [PLANFILE]`: 0 when everything applied (or nothing to do), 1 otherwise. */
export async function applyCommand(opts: ApplyCommandOptions, io: Io): Promise<number> {
  // With --json, stdout carries only events; everything for people goes to stderr.
  const show = opts.json ? io.err : io.out;
  const saved = opts.planfile ? readSavedPlan(opts.planfile) : undefined;
  const desired = loadManifest(saved ? savedManifestPath(saved, io) : opts.file);
  // Without a plan file the rendered plan carries the manifest's warnings (plan.warnings).
  if (saved) for (const w of desired.warnings) io.err(`warning: ${w}\n`);
  if (saved && desired.hash !== saved.manifest.hash) {
    throw new UserError(`plan is stale: ${desired.file} changed since the plan was made; run zpi plan again`);
  }
  const target = await openTarget(opts, io, desired.dc);
  // Held from the read to the last write, as Terraform holds its state lock: two applies must not
  // both plan from the same live state and then write one after the other. The manifest's org is the
  // org the plan will check it reaches.
  let lock: ApplyLock | undefined;
  // Exit as a shell reports a process killed by the signal: 130 for SIGINT, 143 for SIGTERM.
  const onSignal = (signal: NodeJS.Signals): void => {
    void (lock?.release() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130));
  };
  try {
    lock = await acquireLock(join(io.cwd, '.zpi'), desired.org);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const plan = saved ? await checkFresh(saved, target, io) : await planToApply(opts, desired, target, io, show);
    if (!plan) return 1;
    if (plan.steps.length === 0) {
      // Without a plan file the rendered plan above already said so.
      if (saved) show(`No changes. Live state matches ${desired.file}.\n`);
      // Log parsers always get a closing summary event, also when there was nothing to do.
      if (opts.json) {
        const summary: ApplyEvent = { type: 'summary', ok: true, done: [], remaining: [], counts: { added: 0, changed: 0, removed: 0 }, calls: 0, retries: 0, ms: 0 };
        io.out(`${JSON.stringify(summary)}\n`);
      }
      return 0;
    }
    const result = await executePlan(plan, target.provider, {
      env: io.env,
      retry: retryPolicyFromEnv(io.env),
      allowDestructive: plan.options.allowDestructive || Boolean(opts.allowDestructive),
      autoApprove: Boolean(opts.autoApprove) || !io.interactive,
      confirmManual: io.interactive && !opts.autoApprove ? (step, lines) => confirmManual(step, lines, io) : undefined,
      onEvent: (e: ApplyEvent) => {
        if (opts.json) io.out(`${JSON.stringify(e)}\n`);
        else if (e.type !== 'summary') {
          const line = formatStepLine(e, { color: io.color });
          if (line) io.err(`${line}\n`);
        }
      },
    });
    io.err(`${formatSummary(result, plan)}\n`);
    return result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await lock?.release();
    await target.close();
  }
}

/** Where a saved plan's manifest is: a plan made with `-f -` checks the manifest piped in again. */
function savedManifestPath(saved: Plan, io: Io): string {
  if (saved.manifest.file !== displayName('-')) return saved.manifest.file;
  if (io.interactive) {
    throw new UserError('this plan was made from a manifest on standard input: pipe the same manifest in again (zpi apply PLANFILE < integration.yaml)');
  }
  return '-';
}

function readSavedPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read plan file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parsePlanFile(text, file);
  } catch (err) {
    // `zpi apply integration.yaml` is an easy slip: say how to apply a manifest.
    if (err instanceof UserError && /\.ya?ml$/i.test(file)) {
      throw new UserError(`${err.message}; to apply a manifest, use zpi apply -f ${file}`);
    }
    throw err;
  }
}

/** A saved plan applies only to the live state it was made from (reviewing it was the approval). */
async function checkFresh(saved: Plan, target: OpenTarget, io: Io): Promise<Plan> {
  const bar = progressBar(io, 'reading users');
  const live = await target.provider.read({ onProgress: bar.update }).finally(bar.done);
  // Another org (e.g. a plan made with --sandbox applied with Zoho credentials) is not "stale": say so.
  if (live.org.id !== saved.target.org.id || (saved.target.endpointKind === 'zoho') !== (target.kind === 'zoho')) {
    const was = `${saved.target.org.name} (org ${saved.target.org.id}) via ${saved.target.endpointKind}`;
    throw new UserError(
      `this plan was made for ${was}, but zpi now reaches ${live.org.companyName} (org ${live.org.id}) via ${target.kind}; ` +
        'pass the same --sandbox/--endpoint as for zpi plan',
    );
  }
  // One pass over the live state gives both the fingerprint and the per-part ones that name what changed.
  const { fingerprint, sections: now } = fingerprintWithSections(live);
  if (fingerprint !== saved.liveFingerprint) {
    const changed = saved.liveSections
      ? Object.keys(now).filter((k) => saved.liveSections?.[k] !== now[k])
      : ['the live state'];
    throw new UserError(
      `plan is stale: ${changed.join(', ')} changed in org ${live.org.id} since the plan was made; run zpi plan again`,
    );
  }
  return saved;
}

/** No plan file: plan now, show it, and get a `yes` (or --auto-approve). */
async function planToApply(
  opts: ApplyCommandOptions,
  desired: ReturnType<typeof loadManifest>,
  target: OpenTarget,
  io: Io,
  show: (t: string) => void,
): Promise<Plan | undefined> {
  const options = { allowDestructive: Boolean(opts.allowDestructive), maxRevokePct: opts.maxRevoke };
  const { plan, readSummary } = await readAndPlan(desired, target, options, io);
  show(`${renderText(plan, { color: io.color, header: planHeader('apply', desired, plan), readSummary })}\n`);
  if (plan.steps.length === 0) return plan;
  // Refuse (destructive without approval, ZSC key variable unset) before asking, with executePlan's words.
  preflight(plan, io.env, options.allowDestructive);
  if (opts.autoApprove) return plan;
  if (!io.interactive) {
    throw new UserError('no terminal to confirm the changes: re-run with --auto-approve, or save a plan with --out and apply it');
  }
  const answer = await io.ask("Do you want to apply these changes? Only 'yes' will be accepted: ");
  if (answer.trim() !== 'yes') {
    io.err('Apply cancelled; nothing was changed.\n');
    return undefined;
  }
  return plan;
}

async function confirmManual(step: Step, lines: string[], io: Io): Promise<boolean> {
  io.err(`\nManual step: ${step.id} (Zoho has no API for it). In Zoho CRM:\n`);
  for (const l of lines) io.err(`  ${l}\n`);
  const answer = await io.ask("Type 'done' when it is done (anything else stops here): ");
  return answer.trim() === 'done';
}
