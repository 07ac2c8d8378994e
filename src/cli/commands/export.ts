import { existsSync, lstatSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_SCHEMA_PATH, liveToManifest } from '../../manifest/export-manifest.js';
import { escapeControls, UserError } from '../../model/errors.js';
import { readCurrent } from '../../run/index.js';
import type { Io } from '../io.js';
import { progressBar } from '../progress.js';
import { openTarget, type TargetFlags } from '../target.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';

export interface ExportCommandOptions extends TargetFlags {
  output?: string;
  /** Overwrite an existing `-o` file. */
  force?: boolean;
}

/** Something (a file, a dangling link) is at `path`. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `-o FILE` names an existing file: an export replaces it only when asked to (`--force`). */
function refuseExisting(opts: ExportCommandOptions, io: Io): void {
  if (opts.output && !opts.force && exists(resolve(io.cwd, opts.output))) {
    throw new UserError(`${escapeControls(opts.output)} exists; pass --force to overwrite it`);
  }
}

/**
 * The modeline's schema path, relative to the directory the manifest goes to: the nearest
 * `node_modules/zpi` above it (zpi installed in the consumer's repository), or DEFAULT_SCHEMA_PATH
 * (right once zpi is installed beside the manifest) when none is found.
 */
function schemaPathFor(opts: ExportCommandOptions, io: Io): string {
  const from = opts.output ? dirname(resolve(io.cwd, opts.output)) : resolve(io.cwd);
  for (let dir = from; ; dir = dirname(dir)) {
    const schema = join(dir, ...DEFAULT_SCHEMA_PATH.split('/'));
    if (existsSync(schema)) return relative(from, schema).split(sep).join('/');
    if (dirname(dir) === dir) return DEFAULT_SCHEMA_PATH;
  }
}

/** `zpi export`: the live integration as a manifest that validates and plans to zero changes. */
export async function exportCommand(opts: ExportCommandOptions, io: Io): Promise<number> {
  // A link or special file as -o, or an existing file without --force, is refused before Zoho is read.
  if (opts.output) checkOutputPath(opts.output);
  refuseExisting(opts, io);
  const target = await openTarget(opts, io);
  try {
    const { live } = await readCurrent({ provider: target.provider, target, progress: progressBar(io, 'reading users') });
    const text = liveToManifest(live, { schemaPath: schemaPathFor(opts, io) });
    // Without readable settings (real Zoho) or without a portal, the export is a skeleton to fill in.
    if (live.integration === null || (live.integration.status === 'active' && live.integration.portal === null)) {
      io.err('note: the exported manifest is incomplete (see its header comment): add the portal, profiles and users before planning.\n');
    }
    if (opts.output) {
      // Again: the file may have appeared while Zoho was read.
      refuseExisting(opts, io);
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
