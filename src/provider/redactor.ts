import { escapeControls } from '../model/errors.js';

const MASK = '***';

/**
 * The forms a secret takes in text that was encoded on its way: a JSON string (`"` and `\` escaped,
 * non-ASCII as-is or `\uXXXX`), a URL component (`%2B`, also lower-case hex), and a form body
 * (`+` for a space; URLSearchParams also encodes `!'()~`).
 */
function encodedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  // Some JSON encoders (PHP's json_encode, some Java ones) also write "/" as "\/".
  const slashJson = json.replace(/\//g, '\\/');
  const asciiJson = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const forms = [secret, json, slashJson, asciiJson, uri, uri.replace(/%20/g, '+'), form];
  const lower = forms.map((f) => f.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  return [...new Set([...forms, ...lower])];
}

const escapeRegExp = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * Masks known secret values in text that leaves the client (error messages, log lines), in the
 * forms they take once encoded as well (JSON, URL, form bodies).
 * Defence in depth: the client never puts a secret in a message on purpose, but a server may echo
 * one back (a ZSC key in an error's details, a token in a proxy's error page), and a user may paste
 * a key into the wrong field of a manifest (zscEmail), which a message then quotes.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | null | undefined;

  /** Registers a value to mask; values shorter than 4 characters are ignored (they would mask noise). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4 && !this.#secrets.has(secret)) {
      this.#secrets.add(secret);
      this.#pattern = undefined;
    }
  }

  redact(text: string): string {
    const pattern = (this.#pattern ??= this.#compile());
    return pattern ? text.replace(pattern, MASK) : text;
  }

  /** One alternation, longest form first, so a secret that contains another is masked whole, in one pass. */
  #compile(): RegExp | null {
    const forms = new Set<string>();
    for (const s of this.#secrets) for (const f of encodedForms(s)) if (f.length >= 4) forms.add(f);
    if (forms.size === 0) return null;
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }
}

/** Environment variables that hold secrets zpi is given (DESIGN §7, the ZSC key's default variable). */
export const SECRET_ENV = ['ZPI_ZSC_KEY', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_CLIENT_ID'] as const;

// Other variables named like a secret (a manifest's own ${ACME_ZSC_KEY}, a CI's GITHUB_TOKEN): masked
// too when long enough not to be noise.
const SECRET_NAME = /(^|_)(SECRET|TOKEN|PASSWORD|PASSWD|KEY|APIKEY)(_|$)/i;
const MIN_GUESSED = 8;
// A short plain word is no secret, and masking it would garble messages: the sandbox's documented
// credentials are `sandbox`/`sandbox`/`sandbox` (DESIGN §7), and "sandbox" is in many messages.
const PLAIN_WORD = /^[a-z]{1,8}$/i;

/** A Redactor for every secret value in `env`: the known variables, and any named like a secret. */
export function envRedactor(env: NodeJS.ProcessEnv): Redactor {
  const r = new Redactor();
  const add = (value: string | undefined): void => {
    if (value !== undefined && !PLAIN_WORD.test(value)) r.add(value);
  };
  for (const name of SECRET_ENV) add(env[name]);
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_GUESSED && SECRET_NAME.test(name)) add(value);
  }
  return r;
}

let processRedactor: Redactor | undefined;

/** The process's Redactor, built once from its environment on first use; add() more to it as they are learnt. */
export function secretRedactor(): Redactor {
  return (processRedactor ??= envRedactor(process.env));
}

/** `text` with every known secret of this process masked. */
export function redactSecrets(text: string): string {
  return secretRedactor().redact(text);
}

/**
 * Wraps a writer of messages (stderr) so that every line it prints has the process's known secrets
 * masked and its control characters escaped; line breaks between lines are kept. For the CLI's
 * top-level error report, whose messages may quote Zoho or a file.
 */
export function safeWriter(write: (text: string) => void): (text: string) => void {
  return (text) => write(text.split('\n').map((line) => escapeControls(redactSecrets(line))).join('\n'));
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
