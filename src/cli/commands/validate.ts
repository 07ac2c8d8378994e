import { checkFiles, displayName } from '../../manifest/load-manifest.js';
import { formatProblem } from '../../model/errors.js';
import type { Io } from '../io.js';

export interface ValidateOptions {
  files: string[];
  json: boolean;
}

/** `zpi validate`: 0 when every file is valid, 1 otherwise. Touches no network. */
export async function validate(opts: ValidateOptions, io: Io): Promise<number> {
  const files = opts.files.length > 0 ? opts.files : ['integration.yaml'];
  const { problems, warnings } = checkFiles(files);
  for (const w of warnings) io.err(`warning: ${w}\n`);
  if (opts.json) {
    io.out(`${JSON.stringify(problems.map(({ file, line, col, message }) => ({ file, line, col, message })), null, 2)}\n`);
  } else if (problems.length > 0) {
    for (const p of problems) io.err(`${formatProblem(p)}\n`);
  } else {
    io.out(`${files.length === 1 ? `${displayName(files[0] as string)} is valid` : `${files.length} manifests are valid`}.\n`);
  }
  return problems.length > 0 ? 1 : 0;
}
