// Postgres dropping every connection of the edge and the core (a restart, a failover) while events wait in the
// outbox and the relay polls: the processes live on, and every event is relayed once Postgres answers again.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../core/device/device-event.js';
import { addDeviceEvent } from '../../../edge/outbox/outbox.repository.js';
import { eventually } from '../../support/apple-requests.js';
import { terminateBackends } from '../../support/db.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('the outbox relay across a Postgres restart', () => {
  const planes = useTestPlanes();
  const pending = async () =>
    Number(
      (
        await planes.database.edge.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('relayed_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('relays every waiting event after its connections were terminated mid-traffic', async () => {
    const devices = [randomUUID(), randomUUID(), randomUUID()];
    for (const deviceId of devices)
      await addDeviceEvent(planes.database.edge.db, deviceId, {
        platform: 'apple',
        kind: 'facts-reported',
        enrollmentId: randomUUID(),
        at: new Date().toISOString(),
        data: { facts: { restart: 'yes' } },
      } satisfies DeviceEvent);
    // Several rounds, so some land while the relay holds a connection (claiming, marking relayed).
    for (let round = 0; round < 5; round++) {
      await terminateBackends(planes.database.name);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await eventually(async () => ((await pending()) === 0 ? true : undefined), 60_000);
    const ingested = await planes.database.core.db
      .selectFrom('device_events')
      .select('device_id')
      .where('device_id', 'in', devices)
      .execute();
    expect(ingested.map((row) => row.device_id).sort()).toEqual([...devices].sort());
  });
});
