// GET /v1/devices/{id}/command-events: a device's latest commands as server-sent events, sent again on a change.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

/** Server-sent events off a body, one at a time, as EventSource would parse them. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(): Promise<{ event: string; data: unknown }> {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) < 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += value;
      }
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const field = (name: string) =>
        lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      return { event: field('event') ?? 'message', data: JSON.parse(field('data') ?? 'null') };
    },
    close: () => reader.cancel(),
  };
}

describe('GET /v1/devices/{id}/command-events', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let token: string;
  let deviceId: string;

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    token = await tokenFor(database.core.db, 'helpdesk');
    deviceId = await insertDevice(database.core.db);
  });

  it('sends the latest commands at once, then again when a command is added', async () => {
    const res = await call(app, 'GET', `/v1/devices/${deviceId}/command-events?limit=5`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = eventReader(res.body!);
    expect(await events.next()).toEqual({ event: 'snapshot', data: { items: [], nextCursor: null } });
    const uuid = randomUUID();
    await database.core.db
      .insertInto('device_commands')
      .values({
        command_uuid: uuid,
        device_id: deviceId,
        request_type: 'DeviceLock',
        status: 'queued',
        requested_by: 'token:x',
      })
      .execute();
    expect(await events.next()).toMatchObject({
      event: 'snapshot',
      data: { items: [{ commandUuid: uuid, requestType: 'DeviceLock', status: 'queued' }] },
    });
    await events.close();
  });

  it('answers 404 for an unknown device and 401 without credentials, before any stream', async () => {
    const unknown = await call(app, 'GET', `/v1/devices/${randomUUID()}/command-events`, { token });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/json/);
    expect((await call(app, 'GET', `/v1/devices/${deviceId}/command-events`)).status).toBe(401);
  });
});
