// The phases a benchmark runs against Keep split into processes: enrolment until inventory is answered, Idle
// check-ins and command round trips through the admin API, each with the edge's CPU and Temporal's work counted.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { runBulkRounds, type BulkRoundOptions } from './bulk-rounds.js';
import { watchCommands, inventoryDone } from './command-watcher.js';
import type { FleetProcesses } from './fleet-processes.js';
import type { KeepProcesses } from './keep-processes.js';
import { runLoad, type LoadOptions, type LoadReport } from './load-loop.js';
import { cpuPercent, sampleProcess, type ProcessSample } from './proc-stats.js';
import { workflowCostCounter, workPerOperation, type Work, type WorkflowWork } from './workflow-cost.js';

export interface Measured<T> {
  result: T;
  /** The edge process before and after the phase. */
  edge: { before: ProcessSample; after: ProcessSample; cpuPercent: number };
  /**
   * Temporal's work per operation of the phase (operations as the phase defines them), every workflow
   * included; `ingest` is the device-events workflow's share of it (one per edge, amortised over the devices).
   */
  perOperation: Work & { ingest: Work };
}

/** How long to wait for relayed events to reach Temporal after a phase before counting its work. */
const SETTLE_MS = 30_000;

export function keepPhases(keep: KeepProcesses, fleet: FleetProcesses) {
  const cost = workflowCostCounter(keep.temporal);
  let work: WorkflowWork | undefined;

  async function measure<T>(
    operations: (result: T) => number,
    phase: () => Promise<T>,
  ): Promise<Measured<T>> {
    work ??= await cost.count();
    const before = sampleProcess(keep.edge.pid);
    const result = await phase();
    const after = sampleProcess(keep.edge.pid);
    const settled = await cost.settled(SETTLE_MS);
    const perOperation = {
      ...workPerOperation(work, settled, operations(result)),
      ingest: workPerOperation(work, settled, operations(result), 'deviceEventsWorkflow'),
    };
    work = settled;
    return { result, edge: { before, after, cpuPercent: cpuPercent(before, after) }, perOperation };
  }

  /** Keep's device id of each fleet device, by fleet index. */
  async function deviceIds(): Promise<string[]> {
    const rows = await keep.database.core.db.selectFrom('devices').select(['id', 'udid']).execute();
    const byUdid = new Map(rows.map((d) => [d.udid, d.id]));
    return fleet.udids.map((udid, index) => {
      const id = byUdid.get(udid);
      if (!id) throw new Error(`device ${index} is not in core.devices`);
      return id;
    });
  }

  async function postJson(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${keep.admin.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keep.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 202)
      throw new Error(`admin API answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  const deviceInformation = {
    requestType: 'DeviceInformation',
    parameters: { queries: ['DeviceName', 'OSVersion'] },
  };

  return {
    /**
     * Authenticate + TokenUpdate for every device (identities are pre-issued), then sessions until each
     * device has answered the inventory its new workflow queued: the fleet does not listen for pushes.
     */
    enrol(options: { concurrency: number; maxMs: number }) {
      return measure(
        () => fleet.size,
        async () => {
          const started = performance.now();
          const report = await fleet.enrol(options.concurrency, options.maxMs);
          if (report.failed || report.skipped) {
            throw new Error(
              `enrolment: ${report.failed} failed, ${report.skipped} not started: ${report.errors.join('; ')}`,
            );
          }
          const deadline = performance.now() + 2 * options.maxMs;
          let sweeps = 0;
          while (!(await inventoryDone(keep.database.core.db, fleet.size))) {
            if (performance.now() > deadline) throw new Error('inventory not answered in time');
            await fleet.sweep(options.concurrency, options.maxMs);
            sweeps++;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
          return { report, sweeps, settledMs: performance.now() - started };
        },
      );
    },

    /** `loop.count` Idle sessions: each one signed PUT answered empty. */
    idle(loop: LoadOptions) {
      return measure(
        (r) => r.ok,
        () => fleet.idle(loop),
      );
    },

    /**
     * Command round trips: POST /v1/devices/{id}/commands (DeviceInformation) → device workflow → edge queue;
     * the device's next session fetches and answers it; done when the result is stored in core.device_commands.
     */
    commands(loop: LoadOptions) {
      return measure(
        (r: LoadReport) => r.ok,
        async () => {
          const ids = await deviceIds();
          const watcher = watchCommands(keep.database.core.db);
          try {
            // Two commands for one device at once would share a session: never more in flight than devices.
            return await runLoad(
              { ...loop, concurrency: Math.min(loop.concurrency, fleet.size) },
              async (i) => {
                const index = i % fleet.size;
                const { commandUuid } = (await postJson(
                  `/v1/devices/${ids[index]!}/commands`,
                  deviceInformation,
                )) as { commandUuid: string };
                const { commands } = await fleet.session(index);
                if (!commands.some((c) => c.commandUuid === commandUuid)) {
                  throw new Error('the device session did not fetch the command');
                }
                // Asked only now, so a failed session leaves no wait behind; a row already stored is found at once.
                const status = await watcher.settled(commandUuid, 60_000);
                if (status !== 'acknowledged') throw new Error(`command ended ${status}`);
              },
            );
          } finally {
            watcher.stop();
          }
        },
      );
    },

    /**
     * Bulk command round trips: each round one POST /v1/commands (DeviceInformation to every device) → the
     * bulk-command workflow → one edge activity per page; each device's session fetches and answers it; done
     * per device when its result is stored in core.device_commands.
     */
    bulkCommands(options: Omit<BulkRoundOptions, 'devices'>) {
      return measure(
        (r: { report: LoadReport }) => r.report.ok,
        async () => {
          const ids = await deviceIds();
          const watcher = watchCommands(keep.database.core.db);
          try {
            const report = await runBulkRounds(
              { ...options, devices: fleet.size },
              {
                async send() {
                  const { id } = (await postJson('/v1/commands', {
                    idempotencyKey: randomUUID(),
                    platform: 'apple',
                    devices: ids,
                    command: deviceInformation,
                  })) as { id: string };
                  const targets = await keep.database.core.db
                    .selectFrom('bulk_command_targets')
                    .select(['device_id', 'command_uuid'])
                    .where('bulk_id', '=', id)
                    .execute();
                  const uuids = new Map(targets.map((t) => [t.device_id, t.command_uuid]));
                  return (index) => {
                    const commandUuid = uuids.get(ids[index]!);
                    if (!commandUuid) throw new Error(`device ${index} was refused`);
                    return commandUuid;
                  };
                },
                session: (index) => fleet.session(index),
                async stored(commandUuid) {
                  const status = await watcher.settled(commandUuid, 60_000);
                  if (status !== 'acknowledged') throw new Error(`command ended ${status}`);
                },
              },
            );
            // The fan-out alone: from the call's record to every target queued at its edge (or refused).
            const { rows } = await sql<{ ms: number }>`
              select extract(epoch from finished_at - created_at) * 1000 as ms
              from core.bulk_commands where finished_at is not null`.execute(keep.database.core.db);
            return { report, fanOutMs: rows.map((row) => Number(row.ms)) };
          } finally {
            watcher.stop();
          }
        },
      );
    },
  };
}
