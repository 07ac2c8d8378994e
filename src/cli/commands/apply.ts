import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, executePlan, formatStepLine, formatSummary, type ApplyEvent } from '../../apply/index.js';
import { loadManifest } from '../../manifest/load-manifest.js';
import { UserError } from '../../model/errors.js';
import { fingerprint, fingerprintSections } from '../../model/fingerprint.js';
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
  const desired = loadManifest(saved ? saved.manifest.file : opts.file);
  for (const w of desired.warnings) io.err(`warning: ${w}\n`);
  if (saved && desired.hash !== saved.manifest.hash) {
    throw new UserError(`plan is stale: ${desired.file} changed since the plan was made; run zpi plan again`);
  }
  const target = await openTarget(opts, io, desired.dc);
  try {
    const plan = saved ? await checkFresh(saved, target, io) : await planToApply(opts, desired, target, io, show);
    if (!plan) return 1;
    if (plan.steps.length === 0) {
      show(`No changes. Live state matches ${desired.file}.\n`);
      return 0;
    }
    const lock = await acquireLock(join(io.cwd, '.zpi'), plan.target.org.id);
    const onSignal = (): void => {
      void lock.release().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
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
      await lock.release();
    }
  } finally {
    await target.close();
  }
}

function readSavedPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read plan file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parsePlanFile(text, file);
}

/** A saved plan applies only to the live state it was made from (reviewing it was the approval). */
async function checkFresh(saved: Plan, target: OpenTarget, io: Io): Promise<Plan> {
  const bar = progressBar(io, 'reading users');
  const live = await target.provider.read({ onProgress: bar.update }).finally(bar.done);
  if (fingerprint(live) !== saved.liveFingerprint) {
    const now = fingerprintSections(live);
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
  const destructive = plan.steps.filter((s) => s.destructive);
  if (destructive.length > 0 && !options.allowDestructive) {
    throw new UserError(
      `plan has ${destructive.length} destructive step(s) (${destructive.map((s) => s.id).join(', ')}); re-run with --allow-destructive`,
    );
  }
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
