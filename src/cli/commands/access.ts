import { existsSync } from 'node:fs';
import { loadManifest } from '../../manifest/load-manifest.js';
import type { Desired } from '../../model/desired.js';
import { escapeControls, UserError } from '../../model/errors.js';
import { accessReview } from '../../plan/access-review.js';
import { readRecord, recordPathFor } from '../../record/record-file.js';
import { renderAccess, type AccessFormat } from '../../render/render-access.js';
import { readCurrent, refuseOtherOrg } from '../../run/index.js';
import { clockFrom } from '../clock.js';
import type { Io } from '../io.js';
import { openTarget, type TargetFlags } from '../target.js';

export interface AccessCommandOptions extends TargetFlags {
  /** The manifest: where the record is (beside it) and each user's `expires`. Optional when it is the default and absent. */
  file: string;
  fileGiven?: boolean;
  format: AccessFormat;
  state?: string;
}

/**
 * `zpi access`: the access review (DESIGN §8), one row per CRM user with access, from the live
 * settings, or on real Zoho (no API for them) from the record. Writes nothing.
 */
export async function accessCommand(opts: AccessCommandOptions, io: Io): Promise<number> {
  // The default manifest may be absent (an org reviewed before it has one); a named one must exist.
  const desired: Desired | undefined = opts.fileGiven || existsSync(opts.file) ? loadManifest(opts.file) : undefined;
  const recordFile = recordPathFor(desired?.file ?? opts.file, opts.state);
  const record = recordFile ? readRecord(recordFile) : undefined;
  const target = await openTarget(opts, io, desired?.dc);
  try {
    const { live, section, settings: integration } = await readCurrent({ provider: target.provider, target, record });
    if (desired) refuseOtherOrg(desired, live);
    if (!integration) {
      throw new UserError(
        "Zoho publishes no API for the integration's settings and there is no record of them yet" +
          `${recordFile ? ` (${escapeControls(recordFile)})` : ''}: run zpi import (or zpi apply) first`,
      );
    }
    const rows = accessReview(integration, live.users, desired);
    const ctx = {
      org: { id: live.org.id, name: live.org.companyName },
      from: live.integration ? ('live' as const) : ('record' as const),
      ...(!live.integration && { recordedAt: section?.history.at(-1)?.at ?? null }),
      at: clockFrom(io.env)().toISOString(),
    };
    io.out(renderAccess(rows, opts.format, ctx));
    return 0;
  } finally {
    await target.close();
  }
}
