// The relay claims outbox rows with a lease instead of holding a transaction across Temporal: a live lease keeps
// other relayers off (and off the device's later events), a lapsed one is claimed again, and a drain is one
// Update bounded in bytes.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../core/device/device-event.js';
import { createLogger } from '../../../core/log/logger.js';
import { startOutboxRelay } from '../../../edge/outbox/outbox-relay.js';
import { addDeviceEvent } from '../../../edge/outbox/outbox.repository.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('outbox leases', () => {
  const planes = useTestPlanes({ relay: false });
  const edgeDb = () => planes.database.edge.db;
  const report = (deviceId: string, size = 10) =>
    addDeviceEvent(edgeDb(), deviceId, {
      platform: 'apple',
      kind: 'facts-reported',
      enrollmentId: randomUUID(),
      at: new Date().toISOString(),
      data: { facts: { padding: 'x'.repeat(size) } },
    } satisfies DeviceEvent);
  const pendingIds = async () =>
    (
      await edgeDb().selectFrom('outbox').select('id').where('relayed_at', 'is', null).orderBy('id').execute()
    ).map((r) => r.id);
  const leaseFor = (ids: readonly string[], interval: string) =>
    edgeDb()
      .updateTable('outbox')
      .set({ lease_until: sql<Date>`now() + ${interval}::interval` })
      .where('id', 'in', ids)
      .execute();

  it('leaves rows another relayer leases, and claims them again once the lease lapses', async () => {
    await report(randomUUID());
    await report(randomUUID());
    const ids = await pendingIds();
    await leaseFor(ids, '1 hour');
    expect(await planes.relay.drainOnce()).toBe(0);
    // That relayer died: its lease lapses and the rows are relayed, once.
    await leaseFor(ids, '-1 second');
    expect(await planes.relay.drainOnce()).toBe(2);
    expect(await pendingIds()).toEqual([]);
  });

  it("holds a device's later events while another relayer leases its older one", async () => {
    const device = randomUUID();
    await report(device);
    await report(device);
    const [older] = await pendingIds();
    await leaseFor([older!], '1 hour');
    expect(await planes.relay.drainOnce()).toBe(0);
    await leaseFor([older!], '-1 second');
    expect(await planes.relay.drainOnce()).toBe(2);
  });

  it('sends a drain as one batch up to the byte cap, and an event larger than the cap alone', async () => {
    const capped = startOutboxRelay(
      {
        db: edgeDb(),
        temporal: planes.temporal,
        coreTaskQueue: planes.coreConfig.core.taskQueue,
        edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
        log: createLogger('test', 'silent'),
        batchBytes: 4_000,
      },
      false,
    );
    try {
      for (let i = 0; i < 3; i++) await report(randomUUID(), 1_000);
      await report(randomUUID(), 10_000);
      await report(randomUUID(), 1_000);
      expect(await capped.drainOnce()).toBe(3);
      expect(await capped.drainOnce()).toBe(1);
      expect(await capped.drainOnce()).toBe(1);
      expect(await capped.drainOnce()).toBe(0);
    } finally {
      await capped.stop();
    }
    const ingested = await planes.database.core.db
      .selectFrom('device_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('edge_queue', '=', planes.edgeConfig.edge.taskQueue)
      .executeTakeFirstOrThrow();
    expect(Number(ingested.n)).toBe(9);
  });
});
