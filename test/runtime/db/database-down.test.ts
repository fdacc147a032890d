// With Postgres unreachable (refused, or silent until the pool gives up), a device's check-in and an admin's
// request are told to come back (503 with Retry-After), never 500; both answer again once Postgres does.
import { connect, createServer, type Socket } from 'node:net';
import { randomUUID, X509Certificate } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdminApp } from '../../../admin/app.js';
import { hashToken } from '../../../admin/auth/token-hash.js';
import { TrustStore } from '../../../core/cms/index.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { createLogger } from '../../../core/log/logger.js';
import { connectRoutes } from '../../../edge/apple/connect.routes.js';
import { edgeErrorHandler } from '../../../edge/errors.js';
import { openCoreDatabase, openEdgeDatabase } from '../../../runtime/db/connect.js';
import { identityFrom, signedRequest } from '../../support/apple-requests.js';
import { freePort } from '../../support/start-stack.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestDatabase } from '../../support/test-context.js';
import { generateBoxKeyPair } from '../../../core/crypto/sealed-box.js';

const TOKEN = 'database-down-bootstrap-token';
const log = createLogger('test', 'silent');

/** A Postgres that accepts connections and never answers: the pool's connect timeout ends the wait. */
async function silentPostgres(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `postgres://keep@127.0.0.1:${port}/keep`,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP relay to the test's Postgres that can be cut (every connection dropped, new ones refused) and mended. */
async function switchablePostgres(target: string) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let up = true;
  const server = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = connect(Number(targetPort), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    cut() {
      up = false;
      sockets.forEach((socket) => socket.destroy());
    },
    mend() {
      up = true;
    },
    close(this: void) {
      up = false;
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const refusedUrl = async () => `postgres://keep@127.0.0.1:${await freePort()}/keep`;

describe('Postgres unreachable', () => {
  const database = useTestDatabase();
  const ca = createTestCa('Keep Test Down CA');
  const trust = new TrustStore([new X509Certificate(ca.certPem).raw]);
  const keyRing = KeyRing.parse(KeyRing.generateSpec('down'));
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  function edgeApp(url: string): Hono {
    const { db } = openEdgeDatabase(url, 2, 500);
    closers.push(() => db.destroy());
    const app = new Hono();
    app.onError(edgeErrorHandler(log));
    app.route(
      '/',
      connectRoutes({
        db,
        keyRing,
        // These answers hold no secret: nothing is sealed to it.
        coreRecipient: async () => generateBoxKeyPair().recipient,
        identity: { trust: () => trust, isRevoked: () => false },
      }),
    );
    return app;
  }

  function adminApp(url: string) {
    const { db } = openCoreDatabase(url, 2, 500);
    closers.push(() => db.destroy());
    // Never connected: these routes need only Postgres.
    const temporal = new Client();
    return createAdminApp({
      log,
      healthProbes: {},
      db,
      temporal,
      bootstrapTokenHash: hashToken(TOKEN),
      coreTaskQueue: 'core-down',
      edgeTaskQueue: 'edge-down',
    });
  }

  const unreachable: [string, () => Promise<string>][] = [
    ['refuses connections', refusedUrl],
    [
      'accepts connections and never answers',
      async () => {
        const { url, close } = await silentPostgres();
        closers.push(close);
        return url;
      },
    ],
  ];

  const idle = (app: Hono) =>
    app.request(
      signedRequest(
        '/mdm/connect',
        { Status: 'Idle', UDID: `DOWN-${randomUUID()}` },
        identityFrom(ca, 'down device'),
      ),
    );
  const listDevices = (app: ReturnType<typeof adminApp>) =>
    app.request('/v1/devices', { headers: { authorization: `Bearer ${TOKEN}` } });

  it.each(unreachable)('answers a device check-in 503 with Retry-After when Postgres %s', async (_, url) => {
    const response = await idle(edgeApp(await url()));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it.each(unreachable)('answers an admin request 503 with Retry-After when Postgres %s', async (_, url) => {
    const response = await listDevices(adminApp(await url()));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await response.json()).toEqual({ error: expect.stringContaining('temporarily unavailable') });
  });

  it('answers again once Postgres is back, without a restart', async () => {
    const [core, edge] = [
      await switchablePostgres(database.coreUrl),
      await switchablePostgres(database.edgeUrl),
    ];
    closers.push(
      () => core.close(),
      () => edge.close(),
    );
    const [admin, device] = [adminApp(core.url), edgeApp(edge.url)];
    expect((await listDevices(admin)).status).toBe(200);
    // An unknown device is refused by the edge, which had to ask Postgres to know it.
    const refused = (await idle(device)).status;
    expect(refused).not.toBe(503);
    core.cut();
    edge.cut();
    expect((await listDevices(admin)).status).toBe(503);
    expect((await idle(device)).status).toBe(503);
    core.mend();
    edge.mend();
    expect((await listDevices(admin)).status).toBe(200);
    expect((await idle(device)).status).toBe(refused);
  });
});
