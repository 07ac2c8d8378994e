/**
 * The transport against raw sockets: answers a real HTTP server library would never send.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpRequest } from '../../../src/provider/http-transport.js';
import { errorFromNetworkFailure } from '../../../src/provider/zoho-error.js';

let server: net.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A TCP server on 127.0.0.1 that answers each request with `answer` (raw bytes), then runs `after`. */
async function rawServer(answer: string, after: (socket: net.Socket) => void = () => undefined): Promise<string> {
  server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => {
      socket.write(answer);
      after(socket);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as net.AddressInfo;
  return `http://127.0.0.1:${addr.port}/x`;
}

/** A GET with no deadline: a transport that waits for nothing fails this test by its own timeout. */
const get = (url: string): HttpRequest => ({
  url,
  method: 'GET',
  headers: {},
  signal: new AbortController().signal,
  maxBytes: 1 << 20,
  tooLarge: () => new Error('too large'),
});

describe('createHttpTransport', () => {
  it('fails at once, as a reset, when the connection closes with no answer it can use (a 101)', async () => {
    const url = await rawServer('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', (s) => s.end());
    const err = await createHttpTransport()(get(url)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ECONNRESET' });
    expect(errorFromNetworkFailure(err, { method: 'GET', where: '/x' })).toMatchObject({ code: 'ECONNRESET', retryable: true });
  });

  it('a connect timeout of Node’s own is a retryable TIMEOUT', () => {
    const err = Object.assign(new Error('connect timeout'), { code: 'ERR_SOCKET_CONNECTION_TIMEOUT' });
    expect(errorFromNetworkFailure(err, { method: 'GET', where: '/x' })).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });
});
