import { checkFiles, displayName } from '../../manifest/load-manifest.js';
import { escapeControls, formatProblem } from '../../model/errors.js';
import { redactSecrets } from '../../provider/redactor.js';
import type { Io } from '../io.js';

export interface ValidateOptions {
  files: string[];
  json: boolean;
}

/**
 * `zpi validate`: 0 when every file is valid, 1 otherwise. Touches no network. A message may quote
 * the file; a known secret it quotes (a key pasted into zscEmail) is masked, with the environment's
 * secrets, in every form it prints.
 */
export async function validate(opts: ValidateOptions, io: Io): Promise<number> {
  const files = opts.files.length > 0 ? opts.files : ['integration.yaml'];
  const { problems, warnings } = checkFiles(files);
  for (const w of warnings) io.err(`warning: ${redactSecrets(escapeControls(w))}\n`);
  if (opts.json) {
    const items = problems.map(({ file, line, col, message }) => ({ file, line, col, message: redactSecrets(message) }));
    io.out(`${redactSecrets(JSON.stringify(items, null, 2))}\n`);
  } else if (problems.length > 0) {
    for (const p of problems) io.err(`${redactSecrets(formatProblem(p))}\n`);
  } else {
    const name = escapeControls(displayName(files[0] as string));
    io.out(`${files.length === 1 ? `${name} is valid` : `${files.length} manifests are valid`}.\n`);
  }
  return problems.length > 0 ? 1 : 0;
}
