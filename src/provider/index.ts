// The client's surface: what the CLI loads lazily (src/cli/target.ts) and what src/index.ts publishes.
// Named, not `export *`: the client's helpers (error parsing, pacing, endpoints) stay internal.
export type { ItemResult, Provider, ReadOptions } from './provider.js';
export { checkTransport, isLoopbackHost, type Endpoints } from './endpoints.js';
export type { ZohoCredentials } from './oauth-token.js';
export {
  createZohoProvider,
  credentialsFromEnv,
  limitsFromEnv,
  type LimitsFromEnv,
  type ProviderStats,
  type ZohoProvider,
  type ZohoProviderOptions,
} from './zoho-provider.js';
