import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * Unified diff of the live state exported as a manifest against the desired manifest (`--diff`):
 * lines only live has start with `-`, lines the manifest adds with `+`. Empty when they are equal.
 */
export function renderManifestDiff(liveManifestYaml: string, desiredYaml: string, desiredFile: string): string {
  if (liveManifestYaml === desiredYaml) return '';
  return createTwoFilesPatch('live', desiredFile, liveManifestYaml, desiredYaml, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
