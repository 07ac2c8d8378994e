import type { IncomingMessage } from 'node:http';

/** Zoho rejects large bodies; 1 MB is far above anything zpi sends (100 ids a call). */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * An oversized body is read and dropped up to this much so the client sees the 413 instead of a
 * reset mid-upload; beyond it the connection is cut.
 */
const DISCARD_LIMIT = 16 * MAX_BODY_BYTES;

export type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large'; bytes: number };

/** Reads the request body; rejects when the client goes away before it is complete. */
export async function readBody(req: IncomingMessage): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > DISCARD_LIMIT) return { kind: 'too-large', bytes: declared };
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > DISCARD_LIMIT) {
      req.destroy();
      throw new Error('request body too large to discard');
    }
    if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return bytes > MAX_BODY_BYTES ? { kind: 'too-large', bytes } : { kind: 'ok', body: Buffer.concat(chunks) };
}
