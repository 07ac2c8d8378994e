/** zpi's public API: the manifest loader, the pure planner, the renderers, the executor and the client. */
export * from './model/index.js';
export * from './manifest/index.js';
export * from './plan/index.js';
export * from './render/index.js';
export * from './apply/index.js';
export * from './provider/index.js';
export { startSandbox } from './sandbox/index.js';
export type { SandboxOptions, SandboxHandle } from './sandbox/index.js';
