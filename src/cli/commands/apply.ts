import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { acquireLock, executePlan, type ApplyEvent, type ApplyLock } from '../../apply/index.js';
import { preflight } from '../../apply/preflight.js';
import { displayName, loadManifest } from '../../manifest/load-manifest.js';
import type { Desired } from '../../model/desired.js';
import { ApplyStopped, UserError } from '../../model/errors.js';
import type { Plan } from '../../model/plan.js';
import { runbookBlocks, type RunbookBlock } from '../../model/runbook.js';
import { redactSecrets } from '../../provider/redactor.js';
import { RecordJournal } from '../../record/journal.js';
import { readRecord, recordPathFor } from '../../record/record-file.js';
import { blockInstructions, blockTitle, formatStepLine, formatSummary, renderText } from '../../render/index.js';
import { readPlanFile } from '../../run/plan-file.js';
import { getPlan, refuseChangedManifest, replanSavedPlan, type GetPlanInput, type Planned } from '../../run/index.js';
import { clockFrom } from '../clock.js';
import { ExitAtOnce, type Io } from '../io.js';
import { planHeader, readSummary } from '../plan-header.js';
import { shellInput } from '../shell-input.js';
import { retryPolicyFromEnv } from '../retry-env.js';
import { lockOptions, openTarget, type OpenTarget, type TargetFlags } from '../target.js';

export interface ApplyCommandOptions extends TargetFlags {
  planfile?: string;
  file: string;
  autoApprove?: boolean;
  allowDestructive?: boolean;
  maxRevoke: number;
  json?: boolean;
  /** How long to wait for another apply of the same org to finish; 0 refuses at once. */
  lockTimeout?: number;
  /** The record (DESIGN §5a); default X.state.json beside the manifest X.yaml. */
  state?: string;
}

const EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** `zpi apply [PLANFILE]`: 0 when everything applied (or nothing to do), 1 otherwise, 130/143 when stopped by a signal. */
export async function applyCommand(opts: ApplyCommandOptions, io: Io): Promise<number | ExitAtOnce> {
  const saved = opts.planfile ? readSavedPlan(opts.planfile) : undefined;
  const desired = loadManifest(saved && opts.planfile ? savedManifestPath(saved, opts.planfile, io) : opts.file);
  // Without a plan file the rendered plan carries the manifest's warnings (plan.warnings).
  if (saved) for (const w of desired.warnings) io.err(`warning: ${w}\n`);
  if (saved) refuseChangedManifest(saved, desired);
  const target = await openTarget(opts, io, desired.dc);
  // A signal or a lost lock stops the run between calls (executePlan); a second signal, or one before
  // any write, stops at once: the lock is released and the command resolves with the signal's exit
  // code without waiting for the run (the entry ends the process). Either way the code says which signal.
  const stop = new AbortController();
  let writing = false;
  let locking: Promise<ApplyLock> | undefined;
  let atOnce = false;
  let exitAtOnce: (exit: ExitAtOnce) => void = () => undefined;
  const stoppedAtOnce = new Promise<ExitAtOnce>((resolve) => (exitAtOnce = resolve));
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    const first = !stop.signal.aborted;
    // Aborted at once in every case, so nothing starts a write from here on (executePlan checks it).
    stop.abort(new ApplyStopped('INTERRUPTED', `interrupted by ${signal}`, signal));
    if (writing && first) {
      io.err(`\n${signal}: finishing the call in flight, then stopping (send it again to stop at once).\n`);
      return;
    }
    if (!writing && opts.json) {
      // Nothing was written: log parsers still get their closing event.
      const summary: ApplyEvent = { type: 'summary', ok: false, done: [], remaining: [], stopped: { code: 'INTERRUPTED', message: `interrupted by ${signal}` }, counts: { added: 0, changed: 0, removed: 0 }, calls: 0, retries: 0, ms: 0 };
      io.out(`${JSON.stringify(summary)}\n`);
    }
    atOnce = true;
    // A lock being taken is released once taken; one still waited for (--lock-timeout) is given up.
    const released = (locking ?? Promise.resolve(undefined)).then((l) => l?.release()).catch(() => undefined);
    void Promise.race([released, new Promise((r) => setTimeout(r, 1000))]).finally(() => exitAtOnce(new ExitAtOnce(EXIT[signal])));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const run = async (): Promise<number> => {
    try {
      // Held from the read to the last write, as Terraform holds its state lock: two applies must not
      // both plan from the same live state and then write one after the other.
      locking = acquireLock({
        ...lockOptions(desired.org, target, io, opts.lockTimeout),
        onCompromised: () => stop.abort(new ApplyStopped('LOCK_LOST', 'the apply lock was lost (another process took it over)')),
      });
      await locking;
      return await planAndApply(opts, io, desired, saved, target, stop.signal, () => (writing = true));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await locking?.then((l) => l.release()).catch(() => undefined);
      await target.close();
    }
  };
  const work = run();
  // Whichever comes first; once stopping at once, the run's own end (if any) no longer counts.
  await Promise.race([work.then(ignore, ignore), stoppedAtOnce]);
  return atOnce ? stoppedAtOnce : work;
}

const ignore = (): void => undefined;

/** Under the lock: plan (or re-plan a saved plan), then carry the plan out, keeping the record. */
async function planAndApply(
  opts: ApplyCommandOptions,
  io: Io,
  desired: Desired,
  saved: Plan | undefined,
  target: OpenTarget,
  stopped: AbortSignal,
  startWriting: () => void,
): Promise<number> {
  // With --json, stdout carries only events; everything for people goes to stderr.
  const show = opts.json ? io.err : io.out;
  // Read under the lock: the apply that held it before may have just written it.
  const recordFile = recordPathFor(desired.file, opts.state);
  if (!recordFile) io.err('note: no record is kept for a manifest read from standard input; pass --state FILE to keep one\n');
  const record = recordFile ? readRecord(recordFile) : undefined;
  const input = { ...shellInput(io, target), desired, record };
  const planned = saved ? await replanSavedPlan({ ...input, saved }) : await planToApply(opts, input, io, show);
  if (!planned) return 1;
  const { plan, live } = planned;
  const journal = recordFile ? RecordJournal.open(recordFile, plan, live) : undefined;
  const history = { at: clockFrom(io.env)().toISOString(), by: live.currentUser.email, action: 'apply' as const, manifestHash: desired.hash };
  if (plan.steps.length === 0) {
    // Nothing to do: where the settings were read the record still takes them in (drift the plan
    // left alone, and when it was last checked); on real Zoho nothing was learned.
    journal?.finishApply(history, plan, 0);
    // Without a plan file the rendered plan above already said so.
    if (saved) show(`No changes. Live state matches ${desired.file}.\n`);
    // Log parsers always get a closing summary event, also when there was nothing to do.
    if (opts.json) {
      const summary: ApplyEvent = { type: 'summary', ok: true, done: [], remaining: [], counts: { added: 0, changed: 0, removed: 0 }, calls: 0, retries: 0, ms: 0 };
      io.out(`${JSON.stringify(summary)}\n`);
    }
    return 0;
  }
  startWriting();
  const blocks = runbookBlocks(plan);
  // A confirmed Setup block prints one line for its steps, not one per step.
  const blockOf = new Map(blocks.flatMap((b, i) => b.steps.map((st) => [st.id, { block: b, i }] as const)));
  const result = await executePlan(plan, target.provider, {
    env: io.env,
    retry: retryPolicyFromEnv(io.env),
    allowDestructive: plan.options.allowDestructive || Boolean(opts.allowDestructive),
    confirmManual: io.interactive && !opts.autoApprove ? (block) => confirmManual(block, blocks, io, stopped) : undefined,
    ...(journal && { journal }),
    signal: stopped,
    onEvent: (e: ApplyEvent) => {
      if (opts.json) io.out(`${redactSecrets(JSON.stringify(e))}\n`);
      else if (e.type === 'step_done' && e.manual && blockOf.has(e.stepId)) {
        const { block, i } = blockOf.get(e.stepId) as { block: RunbookBlock; i: number };
        if (block.steps.at(-1)?.id === e.stepId) {
          const done = `[${i + 1}/${blocks.length}] ${blockTitle(block)} … done (confirmed by the administrator; recorded)`;
          io.err(`${redactSecrets(done)}\n`);
        }
      } else if (e.type !== 'summary') {
        // Escaped by the formatter (remote text); a secret Zoho echoed back is masked here.
        const line = formatStepLine(e, { color: io.color });
        if (line) io.err(`${redactSecrets(line)}\n`);
      }
    },
  });
  // A run on real Zoho that confirmed nothing learned nothing: the record stays as it was.
  journal?.finishApply(history, plan, result.done.length);
  io.err(`${redactSecrets(formatSummary(result, plan))}\n`);
  if (result.ok) return 0;
  const reason: unknown = stopped.reason;
  return result.stopped && reason instanceof ApplyStopped && reason.signal ? EXIT[reason.signal] : 1;
}

/** Where a saved plan's manifest is: a plan made with `-f -` checks the manifest piped in again. */
function savedManifestPath(saved: Plan, planfile: string, io: Io): string {
  if (saved.manifest.file !== displayName('-')) {
    // Found from the plan file's directory when the plan says where (it was saved with --out), so a
    // plan saved as sub/plan.json from the parent directory applies from sub/ too.
    const near = saved.manifest.fromPlan === undefined ? undefined : resolve(dirname(resolve(io.cwd, planfile)), saved.manifest.fromPlan);
    return near && existsSync(near) ? relative(io.cwd, near) || near : saved.manifest.file;
  }
  if (io.interactive) {
    throw new UserError('this plan was made from a manifest on standard input: pipe the same manifest in again (zpi apply PLANFILE < integration.yaml)');
  }
  return '-';
}

function readSavedPlan(file: string): Plan {
  try {
    return readPlanFile(file);
  } catch (err) {
    // `zpi apply integration.yaml` is an easy slip: say how to apply a manifest.
    if (err instanceof UserError && /\.ya?ml$/i.test(file)) {
      throw new UserError(`${err.message}; to apply a manifest, use zpi apply -f ${file}`);
    }
    throw err;
  }
}

/** No plan file: plan now, show it, and get a `yes` (or --auto-approve). */
async function planToApply(
  opts: ApplyCommandOptions,
  input: Omit<GetPlanInput, 'options'>,
  io: Io,
  show: (t: string) => void,
): Promise<Planned | undefined> {
  const options = { allowDestructive: Boolean(opts.allowDestructive), maxRevokePct: opts.maxRevoke };
  const planned = await getPlan({ ...input, options });
  const { plan, reads } = planned;
  show(`${renderText(plan, { color: io.color, header: planHeader('apply', input.desired, plan), readSummary: readSummary(reads) })}\n`);
  if (plan.steps.length === 0) return planned;
  // Refuse (destructive without approval, ZSC key variable unset) before asking, with executePlan's words.
  preflight(plan, io.env, options.allowDestructive);
  if (opts.autoApprove) return planned;
  if (!io.interactive) {
    throw new UserError('no terminal to confirm the changes: re-run with --auto-approve, or save a plan with --out and apply it');
  }
  const answer = await io.ask("Do you want to apply these changes? Only 'yes' will be accepted: ");
  if (answer.trim() !== 'yes') {
    io.err('Apply cancelled; nothing was changed.\n');
    return undefined;
  }
  return planned;
}

/** One Setup screen visit on a terminal: its instructions, then `done` (recorded at once) or a stop. */
async function confirmManual(block: RunbookBlock, blocks: RunbookBlock[], io: Io, stopped: AbortSignal): Promise<boolean> {
  const n = blocks.findIndex((b) => b.first === block.first) + 1;
  io.err(`\nSetup [${n}/${blocks.length}] ${blockTitle(block)} (Zoho has no API for it):\n`);
  for (const l of blockInstructions(block)) io.err(`  ${l}\n`);
  // A signal while waiting for the admin stops here: the block is not confirmed.
  const abandoned = new Promise<string>((resolve) => {
    if (stopped.aborted) resolve('');
    stopped.addEventListener('abort', () => resolve(''), { once: true });
  });
  const answer = await Promise.race([io.ask("Type 'done' when all of it is done (anything else stops here): "), abandoned]);
  return !stopped.aborted && answer.trim() === 'done';
}
