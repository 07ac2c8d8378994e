import { loadManifest } from '../../manifest/load-manifest.js';
import { escapeControls, UserError } from '../../model/errors.js';
import { explainUser } from '../../plan/explain.js';
import { readRecord, recordPathFor } from '../../record/record-file.js';
import { renderExplanation } from '../../render/render-explain.js';
import { getPlan } from '../../run/index.js';
import type { Io } from '../io.js';
import { shellInput } from '../shell-input.js';
import { openTarget, type TargetFlags } from '../target.js';

export interface ExplainCommandOptions extends TargetFlags {
  email: string;
  file: string;
  state?: string;
  json?: boolean;
}

/** `zpi explain EMAIL`: that user's access now and after the manifest, and why. Writes nothing. */
export async function explainCommand(opts: ExplainCommandOptions, io: Io): Promise<number> {
  const desired = loadManifest(opts.file);
  const recordFile = recordPathFor(desired.file, opts.state);
  const record = recordFile ? readRecord(recordFile) : undefined;
  const target = await openTarget(opts, io, desired.dc);
  try {
    const input = shellInput(io, target);
    // The plan apply would make, with the brake out of the way: explain says what, not whether.
    const { plan, live, settings } = await getPlan({ ...input, desired, options: { allowDestructive: true, maxRevokePct: 100 }, record });
    const e = explainUser(opts.email, desired, live, settings, plan, input.now);
    if (!e) {
      throw new UserError(`${escapeControls(opts.email)} is not a CRM user of ${escapeControls(live.org.companyName)} (org ${live.org.id}), nor listed in ${escapeControls(desired.file)}`);
    }
    io.out(opts.json ? `${JSON.stringify(e, null, 2)}\n` : renderExplanation(e, desired.file));
    return 0;
  } finally {
    await target.close();
  }
}
