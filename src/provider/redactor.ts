import { escapeControls } from '../model/errors.js';
import { Redactor, SECRET_MASK } from '../model/redactor.js';

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

// Query keys whose values must never reach a log line.
const SENSITIVE_KEY = /token|secret|key|code|password|auth/i;

/** The path with the values of secret-looking query keys masked, for log lines. */
export function maskQuery(pathAndQuery: string): string {
  const [path, query] = pathAndQuery.split('?', 2);
  if (!query) return path ?? '';
  const q = new URLSearchParams(query);
  for (const k of [...q.keys()]) if (SENSITIVE_KEY.test(k)) q.set(k, SECRET_MASK);
  return `${path}?${q.toString()}`;
}
