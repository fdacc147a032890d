// The core's side of an edge's outbox drain: the device-events workflow runs these as regular activities. Ingest
// is one transaction (dedupe, then the bulk writes) and keeps each owed wake with its event, so the wakes survive
// the workflow run; waking device workflows talks to Temporal, and a slow wake must not hold up the next batch.
import { Context } from '@temporalio/activity';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DeviceWake, RelayedDeviceEvent } from '../../core/device/device-event-batch.js';
import type { DeviceEvent } from '../../core/device/device-event.js';
import { wakesDeviceWorkflow } from '../../core/device/device-event-wake.js';
import { policyReportNeedsWorkflow } from '../../core/policy/policy-report.js';
import { normalizeDeviceEvent } from '../../core/device/received-device-event.js';
import { coreSealingKey } from '../../core/crypto/core-sealing-key.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import { openCommandResult, SealedCommandResultError } from '../../core/device/sealed-command-result.js';
import type { DeviceWorkflowInput } from '../../workflows/device.messages.js';
import type { CorePlatform } from '../platform.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { applyDeviceEvents } from './device-event-apply.js';
import { placeAccountDrivenDevices } from '../apple/account-enrollment-teams.js';
import type { TeamRules } from '../../core/apple/dep/index.js';

/** The device workflow's signal for events (`deviceEventSignal` in workflows/device.messages.ts). */
const DEVICE_EVENT_SIGNAL = 'deviceEvent';

/**
 * How long an ingested event's key is kept for dedupe: an edge re-sends only rows it never marked relayed,
 * which it does seconds after the first delivery, so a week covers an edge that crashed in between and was
 * down for days.
 */
const DEDUPE_DAYS = 7;

/** Retention: each batch removes as many expired keys as it adds (at least 100), so the table keeps pace. */
async function pruneIngested(db: Transaction<CoreDatabase>, added: number): Promise<void> {
  await sql`
    delete from core.device_events where ctid in (
      select ctid from core.device_events
      where received_at < now() - make_interval(days => ${DEDUPE_DAYS}) and not wake_pending
      limit ${Math.max(100, added)})`.execute(db);
}

/** Reports whose result carries a secret for the vault (their platform says which): the device workflow vaults it. */
function escrowingReports(
  platforms: readonly CorePlatform[],
  reports: readonly { event: DeviceEvent }[],
): Set<string> {
  const escrowing = new Set<string>();
  for (const { event } of reports) {
    if (event.kind !== 'command-report' || !event.data.result) continue;
    const platform = platforms.find((p) => p.id === event.platform);
    if (platform?.carriesEscrowedSecret?.(event.data.result)) escrowing.add(event.data.commandUuid);
  }
  return escrowing;
}

export function createDeviceEventIngestActivities(deps: {
  db: Kysely<CoreDatabase>;
  platforms: readonly CorePlatform[];
  /** The core key ring: answers the edge sealed to the core's sealing key are opened here. */
  keyRing: KeyRing;
  /** `dep.teamRules`: an account-driven enrolment joins its owner's teams when its device channel is ready. */
  teamRules?: TeamRules;
}) {
  const { db } = deps;
  const sealing = coreSealingKey(deps.keyRing);

  /**
   * Opens a sealed answer. One that does not open (tampered, or sealed to another core) is recorded without its
   * result and reported, rather than holding up every other event of the batch forever.
   */
  function opened(event: DeviceEvent): DeviceEvent {
    try {
      return openCommandResult(event, (sealed, context) => sealing.open(sealed, context));
    } catch (error) {
      if (!(error instanceof SealedCommandResultError) || event.kind !== 'command-report') throw error;
      Context.current().log.warn(error.message);
      const { sealedResult: _dropped, ...data } = event.data;
      return { ...event, data };
    }
  }

  return {
    /**
     * Writes a batch once, however often it is relayed (key: edge queue + outbox id; only new events are
     * applied), and returns every event of the batch whose device workflow is still owed a wake: the new ones
     * that need a decision, and those of an earlier delivery not yet woken (the workflow may have lost them
     * when it crashed between this write and recording the result).
     */
    async ingestDeviceEvents(input: {
      edgeTaskQueue: string;
      events: RelayedDeviceEvent[];
    }): Promise<{ wakes: DeviceWake[] }> {
      const events = input.events.map((e) => {
        const received = normalizeDeviceEvent(e.event);
        return { ...e, received, event: opened(received) };
      });
      if (events.length === 0) return { wakes: [] };
      const reports = events.flatMap((e) => (e.event.kind === 'command-report' ? [e] : []));
      const reporting = [...new Set(reports.map((e) => e.deviceId))];
      const reportedUuids = reports.map((e) => (e.event.data as { commandUuid: string }).commandUuid);
      const decidingCommands = new Set(
        reportedUuids.length === 0
          ? []
          : (
              await db
                .selectFrom('device_commands')
                .select(['command_uuid', 'request_type', 'requested_by'])
                .where('command_uuid', 'in', reportedUuids)
                .execute()
            )
              .filter((row) =>
                policyReportNeedsWorkflow({ requestType: row.request_type, requestedBy: row.requested_by }),
              )
              .map((row) => row.command_uuid),
      );
      const awaitingConfiguration = new Set(
        reporting.length === 0
          ? []
          : (
              await db
                .selectFrom('zero_touch_enrollments')
                .select('device_id')
                .where('status', '=', 'awaiting-configuration')
                .where('device_id', 'in', reporting)
                .execute()
            ).map((row) => row.device_id!),
      );
      const escrowCommands = escrowingReports(deps.platforms, reports);
      const keys = events.map((e) => {
        const wake = wakesDeviceWorkflow(e.event, e.deviceId, {
          awaitingConfiguration,
          decidingCommands,
          escrowCommands,
        });
        // As received: an answer for the vault stays sealed to the core's key while it waits here.
        return {
          outbox_id: e.outboxId,
          device_id: e.deviceId,
          kind: e.event.kind,
          at: e.event.at,
          wake,
          event: wake ? e.received : null,
        };
      });
      return db.transaction().execute(async (tx) => {
        const inserted = await sql<{ outbox_id: string }>`
          insert into core.device_events (edge_queue, outbox_id, device_id, kind, at, wake_pending, wake_event)
          select ${input.edgeTaskQueue}, v.outbox_id, v.device_id, v.kind, v.at, v.wake, v.event
          from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as v(
            outbox_id bigint, device_id uuid, kind text, at timestamptz, wake boolean, event jsonb)
          on conflict do nothing
          returning outbox_id::text`.execute(tx);
        const fresh = new Set(inserted.rows.map((r) => r.outbox_id));
        const applied = events.filter((e) => fresh.has(e.outboxId));
        await applyDeviceEvents(tx, deps.platforms, applied);
        if (deps.teamRules) {
          const ready = applied.flatMap(({ deviceId, event }) =>
            event.kind === 'channel-ready' && !event.data.userChannel ? [deviceId] : [],
          );
          await placeAccountDrivenDevices(tx, deps.teamRules, [...new Set(ready)]);
        }
        const owed = await tx
          .selectFrom('device_events')
          .select(sql<string>`outbox_id::text`.as('outbox_id'))
          .where('edge_queue', '=', input.edgeTaskQueue)
          .where(
            'outbox_id',
            'in',
            events.map((e) => e.outboxId),
          )
          .where('wake_pending', '=', true)
          .execute();
        await pruneIngested(tx, events.length);
        const pending = new Set(owed.map((r) => r.outbox_id));
        return {
          wakes: events
            .filter((e) => pending.has(e.outboxId))
            .map(({ outboxId, deviceId, event }) => ({ outboxId, deviceId, event })),
        };
      });
    },

    /**
     * The wakes this edge's events still owe, oldest first, a page after `after` (an outbox id): what a new run
     * of the device-events workflow picks up when an earlier run ended before handing them over. Wakes owed
     * before their event was kept with them cannot be replayed and are not returned.
     */
    async pendingDeviceWakes(input: {
      edgeTaskQueue: string;
      after?: string;
      limit: number;
    }): Promise<DeviceWake[]> {
      let query = db
        .selectFrom('device_events')
        .select([sql<string>`outbox_id::text`.as('outbox_id'), 'device_id', 'wake_event'])
        .where('edge_queue', '=', input.edgeTaskQueue)
        .where('wake_pending', '=', true)
        .where('wake_event', 'is not', null);
      if (input.after !== undefined) query = query.where('outbox_id', '>', input.after);
      const rows = await query.orderBy('outbox_id').limit(input.limit).execute();
      return rows.map((row) => ({
        outboxId: row.outbox_id,
        deviceId: row.device_id,
        event: opened(row.wake_event as DeviceEvent),
      }));
    },

    /**
     * Hands each wake to its device workflow (signal-with-start), in order per device, devices in parallel;
     * then marks them woken. At least once: a retry after a partial page signals some workflows again, and
     * the device workflow's handlers are idempotent for the kinds that wake it.
     */
    async wakeDeviceWorkflows(input: { edgeTaskQueue: string; wakes: DeviceWake[] }): Promise<void> {
      const { client, info } = Context.current();
      const byDevice = new Map<string, DeviceWake[]>();
      for (const wake of input.wakes)
        byDevice.set(wake.deviceId, [...(byDevice.get(wake.deviceId) ?? []), wake]);
      await Promise.all(
        [...byDevice].map(async ([deviceId, wakes]) => {
          const workflowInput: DeviceWorkflowInput = { deviceId, edgeTaskQueue: input.edgeTaskQueue };
          for (const wake of wakes) {
            await client.workflow.signalWithStart('deviceWorkflow', {
              workflowId: workflowIds.device(deviceId),
              taskQueue: info.taskQueue,
              args: [workflowInput],
              signal: DEVICE_EVENT_SIGNAL,
              signalArgs: [wake.event],
            });
          }
        }),
      );
      await db
        .updateTable('device_events')
        .set({ wake_pending: false, wake_event: null })
        .where('edge_queue', '=', input.edgeTaskQueue)
        .where(
          'outbox_id',
          'in',
          input.wakes.map((w) => w.outboxId),
        )
        .execute();
    },
  };
}

export type DeviceEventIngestActivities = ReturnType<typeof createDeviceEventIngestActivities>;
