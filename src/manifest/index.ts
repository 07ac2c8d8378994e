// The loader's surface (src/index.ts, the benchmarks); the parts it is built from are imported by path.
export { parseManifest, type ParseResult } from './parse-manifest.js';
export { loadManifest, checkFiles, type CheckResult } from './load-manifest.js';
export { liveToManifest, type ExportOptions } from './export-manifest.js';
export type { ZpiManifest } from './manifest.gen.js';
