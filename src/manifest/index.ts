export { parseManifest, type ParseResult } from './parse-manifest.js';
export { loadManifest, validateFiles, checkFiles, checkFile, type CheckResult } from './load-manifest.js';
export { liveToManifest } from './export-manifest.js';
export { referenceName } from './env-refs.js';
export { MAX_MANIFEST_BYTES } from './limits.js';
export type { ZpiManifest, Permission as ManifestPermission } from './manifest.gen.js';
