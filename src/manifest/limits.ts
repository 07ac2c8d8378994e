/**
 * Bounds on what the loader accepts. A manifest is a few kilobytes; these exist so that a wrong
 * file (a log, a binary, an alias bomb) fails fast with a clear message instead of hanging zpi.
 */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024;

/** Alias dereferences allowed in one manifest; anchors are a convenience, not a compression scheme. */
export const MAX_ALIASES = 100;

/** Nodes that aliases may expand to in total (billion-laughs defence). */
export const MAX_ALIAS_EXPANSION = 10_000;

/** A manifest is four levels deep at most; anything far deeper is not a manifest. */
export const MAX_DEPTH = 64;

export function formatSize(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export const TOO_LARGE = (bytes: number): string =>
  `file is too large (${formatSize(bytes)}): a manifest must be under ${MAX_MANIFEST_BYTES / (1024 * 1024)} MB`;

export const TOO_LARGE_STREAM = `file is too large (over ${MAX_MANIFEST_BYTES / (1024 * 1024)} MB, stopped reading): a manifest must be under ${MAX_MANIFEST_BYTES / (1024 * 1024)} MB`;
