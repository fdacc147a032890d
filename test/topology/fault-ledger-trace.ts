// Where each lost command of the fault ledger stopped on its way (admin → core → edge queue → device → outbox →
// core result), and the state of the loops that should have carried it on: what a failure in CI has to show,
// since replaying its seed does not replay its timing.
import { sql } from 'kysely';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { Topology } from '../support/topology.js';
import type { FleetDevice } from './topology-fleet.js';

/** How the admin API accepted a command: at once (202), or on a retry that found it queued (200). */
export type AcceptedHow = 202 | 200;

export interface LostCommand {
  commandUuid: string;
  deviceId: string;
  acceptedWith: AcceptedHow;
  proofRecorded: boolean;
  keyQueuedAt: string | null;
  coreStatus: string | null;
  edgeStatus: string | null;
  received: number;
  answered: number;
  /** The device's answers in the edge outbox: relayed or not, tries, last error, and whether the core has them. */
  outbox: Array<{
    id: string;
    relayed: boolean;
    attempts: number;
    lastError: string | null;
    inCore: boolean;
  }>;
}

/** One line per lost command, then the loops: the outbox backlog, the device-events workflow, the devices' workflows. */
export async function traceLostCommands(
  topology: Topology,
  fleet: readonly FleetDevice[],
  lost: ReadonlyMap<string, { deviceId: string; acceptedWith: AcceptedHow }>,
): Promise<string> {
  const uuids = [...lost.keys()];
  if (uuids.length === 0) return 'nothing lost';
  const core = topology.database.core.db;
  const edge = topology.database.edge.db;
  const [proofs, keys, coreRows, edgeRows, reports, backlog] = await Promise.all([
    core
      .selectFrom('admin_command_requests')
      .select('command_uuid')
      .where('command_uuid', 'in', uuids)
      .execute(),
    core
      .selectFrom('command_idempotency_keys')
      .select(['command_uuid', 'queued_at'])
      .where('command_uuid', 'in', uuids)
      .execute(),
    core
      .selectFrom('device_commands')
      .select(['command_uuid', 'status'])
      .where('command_uuid', 'in', uuids)
      .execute(),
    edge
      .selectFrom('command_queue')
      .select(['command_uuid', 'status'])
      .where('command_uuid', 'in', uuids)
      .execute(),
    edge
      .selectFrom('outbox')
      .select([
        sql<string>`id::text`.as('id'),
        sql<string>`event->'data'->>'commandUuid'`.as('command_uuid'),
        'relayed_at',
        'attempts',
        'last_error',
      ])
      .where(sql<string>`event->'data'->>'commandUuid'`, 'in', uuids)
      .execute(),
    edge
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('pending'),
        eb.fn.max('attempts').as('maxAttempts'),
        eb.fn.min('created_at').as('oldest'),
        sql<string | null>`max(last_error)`.as('anError'),
        sql<number>`count(*) filter (where lease_until > now())`.as('leased'),
      ])
      .where('relayed_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  const ingested = new Set(
    reports.length === 0
      ? []
      : (
          await core
            .selectFrom('device_events')
            .select(sql<string>`outbox_id::text`.as('id'))
            .where(
              'outbox_id',
              'in',
              reports.map((r) => r.id),
            )
            .execute()
        ).map((r) => r.id),
  );
  const ledgerOf = (deviceId: string) => fleet.find(({ id }) => id === deviceId)!.device.commandLedger;
  const items: LostCommand[] = uuids.map((commandUuid) => {
    const { deviceId, acceptedWith } = lost.get(commandUuid)!;
    const queuedAt = keys.find((k) => k.command_uuid === commandUuid)?.queued_at;
    return {
      commandUuid,
      deviceId,
      acceptedWith,
      proofRecorded: proofs.some((p) => p.command_uuid === commandUuid),
      keyQueuedAt: queuedAt ? queuedAt.toISOString() : null,
      coreStatus: coreRows.find((r) => r.command_uuid === commandUuid)?.status ?? null,
      edgeStatus: edgeRows.find((r) => r.command_uuid === commandUuid)?.status ?? null,
      received: ledgerOf(deviceId).received.get(commandUuid) ?? 0,
      answered: ledgerOf(deviceId).answered.get(commandUuid) ?? 0,
      outbox: reports
        .filter((r) => r.command_uuid === commandUuid)
        .map((r) => ({
          id: r.id,
          relayed: r.relayed_at !== null,
          attempts: r.attempts,
          lastError: r.last_error,
          inCore: ingested.has(r.id),
        })),
    };
  });
  const lines = items.map((item) => JSON.stringify(item));
  lines.push(`outbox backlog: ${JSON.stringify(backlog)}`);
  lines.push(`device-events workflow: ${await describe(topology, workflowIds.deviceEvents('edge'))}`);
  for (const deviceId of new Set(items.map((item) => item.deviceId)))
    lines.push(`device ${deviceId} workflow: ${await describe(topology, workflowIds.device(deviceId))}`);
  for (const part of [topology.parts.core, ...topology.parts.edges, topology.parts.admin])
    lines.push(`${part.name} output: ${part.output?.().slice(-1500) || '(none)'}`);
  return lines.join('\n');
}

/** A workflow's status, history length and pending activities (with their last failure), or why it has none. */
async function describe(topology: Topology, workflowId: string): Promise<string> {
  try {
    const description = await topology.temporal.workflow.getHandle(workflowId).describe();
    const raw = description.raw;
    return JSON.stringify({
      status: description.status.name,
      runId: description.runId,
      historyLength: description.historyLength,
      pendingActivities: raw.pendingActivities?.map((a) => ({
        type: a.activityType?.name,
        attempt: a.attempt,
        state: a.state,
        lastFailure: a.lastFailure?.message,
      })),
      pendingWorkflowTask: raw.pendingWorkflowTask
        ? { attempt: raw.pendingWorkflowTask.attempt, state: raw.pendingWorkflowTask.state }
        : undefined,
    });
  } catch (error) {
    return `not described: ${(error as Error).message}`;
  }
}
