/** Zoho CRM's error JSON (WIRE.md "Errors (CRM)"). */
export interface ZohoErrorBody {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

export function zohoError(code: string, message: string, details: Record<string, unknown> = {}): ZohoErrorBody {
  return { code, details, message, status: 'error' };
}

/** Thrown by handlers for a whole-request failure; the server answers it as Zoho's error JSON. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): ZohoErrorBody {
    return zohoError(this.code, this.message, this.details);
  }
}

/** One item of a write's `{data:[…]}` answer, as Zoho's CRM writes do. */
export interface WriteItem {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'success' | 'error';
}

export function ok(message: string, details: Record<string, unknown>): WriteItem {
  return { code: 'SUCCESS', details, message, status: 'success' };
}

export function itemError(code: string, message: string, details: Record<string, unknown>): WriteItem {
  return { code, details, message, status: 'error' };
}
