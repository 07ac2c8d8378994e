export type { ItemResult, Provider, ReadOptions } from './provider.js';
export * from './endpoints.js';
export * from './retry-policy.js';
export * from './pacer.js';
export * from './zoho-error.js';
export { Redactor } from './redactor.js';
export type { TokenGrant, ZohoCredentials } from './oauth-token.js';
export * from './zoho-client.js';
export * from './zoho-provider.js';
