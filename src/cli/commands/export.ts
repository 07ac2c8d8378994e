import { liveToManifest } from '../../manifest/export-manifest.js';
import { escapeControls } from '../../model/errors.js';
import type { Io } from '../io.js';
import { progressBar } from '../progress.js';
import { openTarget, type TargetFlags } from '../target.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';

/** `zpi export`: the live integration as a manifest that validates and plans to zero changes. */
export async function exportCommand(opts: TargetFlags & { output?: string }, io: Io): Promise<number> {
  // A link or special file as -o is refused before Zoho is read, not after.
  if (opts.output) checkOutputPath(opts.output);
  const target = await openTarget(opts, io);
  try {
    const bar = progressBar(io, 'reading users');
    const live = await target.provider.read({ onProgress: bar.update }).finally(bar.done);
    const text = liveToManifest(live);
    // Without readable settings (real Zoho) or without a portal, the export is a skeleton to fill in.
    if (live.integration === null || (live.integration.status === 'active' && live.integration.portal === null)) {
      io.err('note: the exported manifest is incomplete (see its header comment): add the portal, profiles and users before planning.\n');
    }
    if (opts.output) {
      writeOutputFile(opts.output, text);
      io.err(`Wrote ${escapeControls(opts.output)} (org ${escapeControls(live.org.id)}). The ZSC key is referenced as \${ZPI_ZSC_KEY}, never stored.\n`);
    } else {
      io.out(text);
    }
    return 0;
  } finally {
    await target.close();
  }
}
