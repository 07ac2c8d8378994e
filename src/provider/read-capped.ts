import type { ZohoApiError } from '../model/errors.js';

/**
 * The body as text, at most `cap` bytes: refused before reading when Content-Length announces more,
 * and the stream cancelled as soon as more arrives, so a hostile server cannot fill memory.
 */
export async function readCapped(res: Response, cap: number, tooLarge: () => ZohoApiError): Promise<string> {
  if (Number(res.headers.get('content-length')) > cap) {
    void res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  // TextDecoder drops a BOM as res.text() does.
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}
