/** What a secret is replaced with, wherever zpi masks one. */
export const SECRET_MASK = '***';

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
    return pattern ? text.replace(pattern, SECRET_MASK) : text;
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
