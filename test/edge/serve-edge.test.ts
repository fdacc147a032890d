// The served edge cuts off slow and silent clients with its own settings, and serves normal requests.
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { edgeErrorHandler } from '../../edge/errors.js';
import { serveEdgeApp } from '../../edge/serve-edge.js';

describe('serveEdgeApp connection limits', () => {
  let server: ServerType;
  let port: number;
  const logLines: string[] = [];

  beforeAll(async () => {
    const app = new Hono();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    app.onError(edgeErrorHandler(createLogger('test', 'info', sink)));
    app
      .get('/hello', (c) => c.text('hello'))
      .put('/echo', async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)));
    // Short on purpose: the defaults are seconds, a test should not wait minutes.
    server = await serveEdgeApp(app, {
      host: '127.0.0.1',
      port: 0,
      limits: {
        headersTimeoutMs: 400,
        requestTimeoutMs: 800,
        keepAliveTimeoutMs: 200,
        socketIdleTimeoutMs: 500,
        maxConnections: 4,
      },
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  );

  /** Opens a socket and resolves with what the server sent once it closed the connection. */
  function drip(first: string, next: () => string | undefined, everyMs: number) {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let sentEverything = false;
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.write(first);
    const timer = setInterval(() => {
      const piece = next();
      if (piece === undefined) {
        sentEverything = true;
        clearInterval(timer);
      } else if (!socket.destroyed) socket.write(piece);
    }, everyMs);
    return new Promise<{ received: string; sentEverything: boolean }>((resolve) =>
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ received, sentEverything });
      }),
    );
  }

  it('serves normal requests', async () => {
    expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).text()).toBe('hello');
    const echoed = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'PUT', body: 'x'.repeat(5000) });
    expect(await echoed.text()).toBe('5000');
  });

  it('cuts off a client that sends its headers a byte at a time', async () => {
    const header = 'X-Slow: ' + 'a'.repeat(10_000);
    let at = 0;
    const { received, sentEverything } = await drip(
      'GET /hello HTTP/1.1\r\nHost: edge\r\n',
      () => header[at++],
      20,
    );
    expect(sentEverything).toBe(false);
    expect(received).not.toContain('hello');
  });

  it('cuts off a client that trickles a body it never finishes', async () => {
    let sent = 0;
    const { received, sentEverything } = await drip(
      'PUT /echo HTTP/1.1\r\nHost: edge\r\nContent-Length: 100000\r\n\r\n',
      () => (sent++ < 100_000 ? 'x' : undefined),
      20,
    );
    expect(sentEverything).toBe(false);
    expect(received).not.toContain('100000');
  });

  it('cuts off a client that goes silent mid-body', async () => {
    const { received, sentEverything } = await drip(
      'PUT /echo HTTP/1.1\r\nHost: edge\r\nContent-Length: 100\r\n\r\nonly part',
      () => undefined,
      10_000,
    );
    expect(sentEverything).toBe(false);
    expect(received).not.toContain('\r\n\r\n100');
    // A client cut off mid-body is not an edge error.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logLines.map((l) => (JSON.parse(l) as { level: number }).level)).not.toContain(50);
  });

  it('refuses connections beyond maxConnections', async () => {
    const held = Array.from({ length: 4 }, () => connect(port, '127.0.0.1'));
    await Promise.all(held.map((s) => new Promise((resolve) => s.on('connect', resolve))));
    const extra = connect(port, '127.0.0.1');
    extra.on('error', () => undefined);
    let answered = '';
    extra.on('data', (chunk) => (answered += chunk.toString()));
    extra.write('GET /hello HTTP/1.1\r\nHost: edge\r\n\r\n');
    await new Promise((resolve) => extra.on('close', resolve));
    expect(answered).not.toContain('hello');
    // Refused at once, not by the idle timeout: the connections held open are still there.
    expect(held.every((s) => !s.destroyed && !s.closed)).toBe(true);
    for (const s of held) s.destroy();
  });
});
