import { acquireLock } from '../../apply/index.js';
import { loadManifest } from '../../manifest/load-manifest.js';
import { escapeControls, UserError } from '../../model/errors.js';
import { RecordJournal } from '../../record/journal.js';
import { readRecord, recordPathFor } from '../../record/record-file.js';
import { settingsChecklist } from '../../render/index.js';
import { planImport } from '../../run/index.js';
import { clockFrom } from '../clock.js';
import type { Io } from '../io.js';
import { lockOptions, openTarget, type TargetFlags } from '../target.js';

export interface ImportCommandOptions extends TargetFlags {
  file: string;
  autoApprove?: boolean;
  lockTimeout?: number;
  state?: string;
}

/**
 * `zpi import`: starts the record (DESIGN §5a) for an org configured before zpi. Where the settings
 * can be read, it records them as they are. On real Zoho (no API for them) it shows the manifest's
 * settings as a Setup checklist and records them once an administrator answers `yes` that Setup shows
 * exactly that (`--auto-approve` without a terminal). Writes only the record; 0 when recorded.
 */
export async function importCommand(opts: ImportCommandOptions, io: Io): Promise<number> {
  const desired = loadManifest(opts.file);
  const recordFile = recordPathFor(desired.file, opts.state);
  if (!recordFile) throw new UserError('a manifest read from standard input has no record beside it: pass --state FILE');
  const now = clockFrom(io.env)();
  const target = await openTarget(opts, io, desired.dc);
  // Held like apply's: an apply of the same org writes the same record.
  const lock = await acquireLock(lockOptions(desired.org, target, io, opts.lockTimeout));
  try {
    readRecord(recordFile); // a corrupt or foreign file is refused before anything is asked
    const { live, plan, settings, readable } = await planImport({ desired, provider: target.provider, target });
    const where = escapeControls(recordFile);
    if (!readable) {
      io.err(`Zoho publishes no API for the integration's settings: check them in Setup.\n\n`);
      for (const line of settingsChecklist(settings)) io.err(`${line}\n`);
      io.err('\n');
      if (!opts.autoApprove) {
        if (!io.interactive) throw new UserError('no terminal to confirm what Setup shows: check it, then re-run with --auto-approve');
        const answer = await io.ask(`Does Setup show exactly this? It is recorded in ${where} as the current state. Only 'yes' will be accepted: `);
        if (answer.trim() !== 'yes') {
          io.err('Import cancelled; nothing was recorded. Make Setup match (or change the manifest), then run zpi import again; or run zpi apply to be walked through it.\n');
          return 1;
        }
      }
    }
    const journal = RecordJournal.open(recordFile, plan, live, settings);
    journal.finish({ at: now.toISOString(), by: live.currentUser.email, action: 'import', manifestHash: desired.hash }, [
      readable ? 'recorded the settings as read' : 'recorded the manifest as confirmed in Setup',
    ]);
    const portal = settings.portal ? `portal ${escapeControls(settings.portal.name)}` : 'not activated';
    const counts = `${settings.users.length} user${settings.users.length === 1 ? '' : 's'} with access, ${Object.keys(settings.profiles).length} profile permission sets`;
    io.out(`Recorded ${escapeControls(live.org.companyName)} (org ${live.org.id}): ${portal}, ${counts}, in ${where}.\n`);
    return 0;
  } finally {
    await lock.release().catch(() => undefined);
    await target.close();
  }
}
