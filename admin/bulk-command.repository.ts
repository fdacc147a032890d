// Bulk commands in the core DB: which targets a caller may command, the request and its targets written at once,
// and progress read back (each target's state, and the protocol's own answers from core.device_commands).
import type { CommandTemplate } from '../core/device/command-template.js';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { BulkCommand, BulkTargetRefusal } from '../core/db/core/bulk-command.table.js';
import type { DeviceCommandStatus } from '../core/db/core/device-command.table.js';
import type { Scope } from './auth/rbac.js';
import { inScope } from './device.repository.js';
import { isUuid } from './ids.js';
import type { AdminPlatform } from './platform.js';

export interface Refusal {
  deviceId: string;
  reason: BulkTargetRefusal;
  /** The platform's reason in words, for `not-for-device`. */
  detail?: string;
}

/** The command the targets would get, and the platform's say on which devices cannot take it. */
export interface BulkCommandKind {
  platform: string;
  requestType: string;
  refusal?: AdminPlatform['commands']['refusal'];
}

export interface ResolvedTargets {
  accepted: string[];
  refused: Refusal[];
}

/** Rows per insert: Postgres takes at most 65,535 parameters a statement. */
const INSERT_CHUNK = 5_000;

/**
 * Sorts the named devices (or a team's) into those that get the command and those refused, with why. A device the
 * caller may not command is named `out-of-scope`: Keep's ids are opaque, and the caller named it.
 */
export async function resolveBulkTargets(
  db: Kysely<CoreDatabase>,
  target: { deviceIds: readonly string[] } | { teamId: string },
  scope: Scope,
  command: BulkCommandKind,
): Promise<ResolvedTargets> {
  const ids =
    'teamId' in target
      ? (
          await db
            .selectFrom('device_teams')
            .select('device_id')
            .where('team_id', '=', target.teamId)
            .execute()
        ).map((row) => row.device_id)
      : [...new Set(target.deviceIds)];
  const valid = ids.filter(isUuid);
  const rows =
    valid.length === 0
      ? []
      : await db
          .selectFrom('devices')
          .select(['id', 'platform', 'enrollment_status', 'enrollment_id', 'os_platform', 'facts'])
          .select((eb) => eb.case().when(inScope(scope)(eb)).then(true).else(false).end().as('visible'))
          .where('id', 'in', valid)
          .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const resolved: ResolvedTargets = { accepted: [], refused: [] };
  for (const deviceId of ids) {
    const device = byId.get(deviceId);
    const reason: BulkTargetRefusal | undefined = !device
      ? 'unknown'
      : !device.visible
        ? 'out-of-scope'
        : device.platform !== command.platform
          ? 'other-platform'
          : device.enrollment_status !== 'enrolled' || !device.enrollment_id
            ? 'not-enrolled'
            : undefined;
    // Asked only of a device that would otherwise get the command, so one refused device does not fail the call.
    const detail = device && !reason ? command.refusal?.(command.requestType, device) : undefined;
    if (reason) resolved.refused.push({ deviceId, reason });
    else if (detail) resolved.refused.push({ deviceId, reason: 'not-for-device', detail });
    else resolved.accepted.push(deviceId);
  }
  return resolved;
}

export interface NewBulkCommand {
  requestedBy: string;
  idempotencyKey: string;
  /** A digest of the request, so a key reused for another command is told apart from a retry. */
  requestDigest: string;
  platform: string;
  template: CommandTemplate;
}

/** The request and every target (each accepted one with its own command UUID), in one transaction. */
export async function insertBulkCommand(
  db: Kysely<CoreDatabase>,
  id: string,
  bulk: NewBulkCommand,
  targets: ResolvedTargets,
): Promise<void> {
  const rows = [
    ...targets.accepted.map((deviceId) => ({
      bulk_id: id,
      device_id: deviceId,
      command_uuid: randomUUID(),
      state: 'pending' as const,
      reason: null,
    })),
    ...targets.refused.map(({ deviceId, reason, detail }) => ({
      bulk_id: id,
      device_id: deviceId,
      command_uuid: null,
      state: 'refused' as const,
      reason,
      detail: detail ?? null,
    })),
  ];
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('bulk_commands')
      .values({
        id,
        requested_by: bulk.requestedBy,
        idempotency_key: bulk.idempotencyKey,
        request_digest: bulk.requestDigest,
        platform: bulk.platform,
        request_type: bulk.template.requestType,
        payload: bulk.template.payload,
        placeholder_uuid: bulk.template.placeholderUuid,
      })
      .execute();
    for (let at = 0; at < rows.length; at += INSERT_CHUNK)
      await tx
        .insertInto('bulk_command_targets')
        .values(rows.slice(at, at + INSERT_CHUNK))
        .execute();
  });
}

export async function findBulkCommand(
  db: Kysely<CoreDatabase>,
  where: { id: string } | { requestedBy: string; idempotencyKey: string },
): Promise<BulkCommand | undefined> {
  if ('id' in where && !isUuid(where.id)) return undefined;
  const query = db.selectFrom('bulk_commands').selectAll();
  return 'id' in where
    ? query.where('id', '=', where.id).executeTakeFirst()
    : query
        .where('requested_by', '=', where.requestedBy)
        .where('idempotency_key', '=', where.idempotencyKey)
        .executeTakeFirst();
}

export interface BulkProgress {
  /** Targets by state: not handed to an edge yet, queued at their edge, refused. */
  targets: Record<'pending' | 'queued' | 'refused', number>;
  /** The commands by the protocol's answer so far (`queued`: no final answer yet). */
  results: Record<DeviceCommandStatus, number>;
  refused: Refusal[];
}

/** Counted in Postgres, so a bulk command of thousands reads as a few rows. */
export async function bulkProgress(db: Kysely<CoreDatabase>, bulkId: string): Promise<BulkProgress> {
  const [states, results, refused] = await Promise.all([
    db
      .selectFrom('bulk_command_targets')
      .select(['state', sql<string>`count(*)`.as('n')])
      .where('bulk_id', '=', bulkId)
      .groupBy('state')
      .execute(),
    db
      .selectFrom('bulk_command_targets as t')
      .innerJoin('device_commands as c', 'c.command_uuid', 't.command_uuid')
      .select(['c.status', sql<string>`count(*)`.as('n')])
      .where('t.bulk_id', '=', bulkId)
      .groupBy('c.status')
      .execute(),
    db
      .selectFrom('bulk_command_targets')
      .select(['device_id', 'reason', 'detail'])
      .where('bulk_id', '=', bulkId)
      .where('state', '=', 'refused')
      .orderBy('device_id')
      .execute(),
  ]);
  const progress: BulkProgress = {
    targets: { pending: 0, queued: 0, refused: 0 },
    results: { queued: 0, acknowledged: 0, error: 0, 'format-error': 0, 'not-now': 0 },
    refused: refused.map((row) => ({
      deviceId: row.device_id,
      reason: row.reason!,
      ...(row.detail === null ? {} : { detail: row.detail }),
    })),
  };
  for (const row of states) progress.targets[row.state] = Number(row.n);
  for (const row of results) progress.results[row.status] = Number(row.n);
  return progress;
}
