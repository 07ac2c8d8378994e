export * from './permissions.js';
export * from './desired.js';
export * from './live.js';
export * from './plan.js';
export * from './fingerprint.js';
export * from './errors.js';
