/**
 * Masks known secret values in text that leaves the client (error messages, log lines).
 * Defence in depth: the client never puts a secret in a message on purpose, but a server may echo
 * one back (a ZSC key in an error's details, a token in a proxy's error page).
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a value to mask; values shorter than 4 characters are ignored (they would mask noise). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join('***');
    }
    return out;
  }
}

/** One line, bounded: messages are printed as a single line by the CLI. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// Query keys whose values must never reach a log line.
const SENSITIVE_KEY = /token|secret|key|code|password|auth/i;

/** The path with the values of secret-looking query keys masked, for log lines. */
export function maskQuery(pathAndQuery: string): string {
  const [path, query] = pathAndQuery.split('?', 2);
  if (!query) return path ?? '';
  const q = new URLSearchParams(query);
  for (const k of [...q.keys()]) if (SENSITIVE_KEY.test(k)) q.set(k, '***');
  return `${path}?${q.toString()}`;
}
