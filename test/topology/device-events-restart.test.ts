// The edge's door into the core across restarts, on the production topology: after the core worker, Postgres and
// the Temporal server are each killed mid-traffic and started again, the per-edge device-events workflow's task
// never fails, so Temporal never refuses the relay's Update "due to Workflow Task in failed state", and every
// answer the devices gave reaches the core.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { adminCall, skipWithoutTemporalServer, useTopologyFleet } from './topology-fleet.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const suite = describe.skipIf(skipWithoutTemporalServer('the device-events restart test'));

suite('the device-events workflow', () => {
  const fleetOf = useTopologyFleet(2);
  const { fleet } = fleetOf;

  it('keeps its workflow task healthy across a core, Postgres and Temporal restart mid-traffic', async () => {
    const topology = fleetOf.topology();
    const { parts } = topology;
    const queued: string[] = [];
    let traffic = true;
    const loop = (async () => {
      while (traffic) {
        for (const { device, id } of fleet) {
          const answer = await adminCall(topology, 'POST', `/v1/devices/${id}/commands`, {
            body: { requestType: 'ProfileList' },
            headers: { 'idempotency-key': randomUUID() },
            withinMs: 5_000,
          }).catch(() => undefined);
          if (answer?.status === 202 || answer?.status === 200)
            queued.push((answer.body as { commandUuid: string }).commandUuid);
          await device.runSession().catch(() => undefined);
        }
        await sleep(100);
      }
    })();
    for (const part of [parts.core, parts.postgres, parts.temporal]) {
      await sleep(1_500);
      await part.kill();
      await sleep(1_000);
      await part.start();
    }
    await sleep(2_000);
    traffic = false;
    await loop;

    // Every answer a device gave reaches the core once the parts are back.
    for (const { device } of fleet) await device.runSession();
    const answered = fleet.flatMap(({ device }) => [...device.commandLedger.answered.keys()]);
    const recorded = async () =>
      (
        await topology.database.core.db
          .selectFrom('device_commands')
          .select('status')
          .where('command_uuid', 'in', answered)
          .execute()
      ).filter((row) => row.status === 'acknowledged').length;
    // A bound, not a speed claim: the relay retries until the core has them.
    const deadline = Date.now() + 60_000;
    while ((await recorded()) < answered.length && Date.now() < deadline) await sleep(250);
    expect(queued.length).toBeGreaterThan(0);
    expect(await recorded(), `answers recorded of ${answered.length}`).toBe(answered.length);

    // The workflow task never failed, and Temporal never refused the relay for it.
    const history = await topology.temporal.workflow
      .getHandle(workflowIds.deviceEvents('edge'))
      .fetchHistory();
    const failures = (history.events ?? []).flatMap((event) => {
      const failed = event.workflowTaskFailedEventAttributes;
      return failed ? [`${String(failed.cause)}: ${failed.failure?.message ?? ''}`] : [];
    });
    expect(failures).toEqual([]);
    const refused = await topology.database.edge.db
      .selectFrom('outbox')
      .select(['attempts', 'last_error'])
      .where('last_error', 'like', '%Workflow Task in failed state%')
      .execute();
    expect(refused).toEqual([]);
  }, 180_000);
});
