// Commands for one device: send (audited, then a Temporal Update to its workflow), list, and read one. Neutral:
// the device's platform (admin/platforms.ts) builds the command, names its permission and hides its secrets.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { DeviceCommand } from '../core/db/core/device-command.table.js';
import { recordAudit } from './audit.repository.js';
import type { Principal } from './auth/principal.js';
import { forbidden, scopeOf } from './auth/rbac.js';
import { findDeviceCommand, listDeviceCommands } from './device-command.repository.js';
import { snapshotStream, snapshotStreamDescription } from './snapshot-stream.js';
import { findDevice } from './device.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { deviceOr404 } from './device.routes.js';
import { readQuery } from './json-body.js';
import { errorBody } from './openapi.js';
import { cursorPart, decodeCursor, pageQuery, toPage } from './paging.js';
import type { AdminCommands, AdminPlatform } from './platform.js';
import { adminPlatform } from './platforms.js';
import { queueCommandOnDevice } from './send-command.js';
import type { QueueCommandResult } from '../workflows/device.messages.js';
import {
  claimCommandIdempotencyKey,
  findCommandIdempotencyKey,
  markCommandQueued,
} from './command-idempotency.repository.js';
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey, requestFingerprint } from './idempotency-key.js';
import { payloadForEdge } from './edge-sealing-key.js';

export interface DeviceCommandDeps {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  /** Where a command that may carry a secret is sealed to (admin/edge-sealing-key.ts). */
  coreTaskQueue: string;
  edgeTaskQueue: string;
  /** How long to wait for the device workflow to accept a command before answering 503. */
  commandTimeoutMs: number;
  /** The platforms whose devices take commands here (admin/platforms.ts). */
  platforms: readonly AdminPlatform[];
}

const commandStatus = z.enum(['queued', 'acknowledged', 'error', 'format-error', 'not-now']);

const commandSummary = z.object({
  commandUuid: z.string(),
  requestType: z.string(),
  status: commandStatus,
  requestedBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const SECRETS_PERMISSION = 'command-results:read-secrets';

const commandDetail = commandSummary.extend({
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      `The command's result keys (binary base64); secrets read "<redacted>" without ${SECRETS_PERMISSION}.`,
    ),
  errorChain: z.array(z.unknown()).nullable().describe("The device's ErrorChain, when it answered Error."),
  redactedSecrets: z
    .object({ keys: z.array(z.string()), permission: z.literal(SECRETS_PERMISSION) })
    .nullable()
    .describe(
      'Which result keys were redacted, and the permission that reveals them (audited); null if none.',
    ),
});

const accepted = z.object({ commandUuid: z.string(), status: z.literal('queued'), pushed: z.boolean() });
const keyReused = () =>
  new HTTPException(409, {
    message: `${IDEMPOTENCY_KEY_HEADER}: already used for another request (another device or body)`,
  });
const keyTakenMeanwhile = () =>
  new HTTPException(409, {
    message: `${IDEMPOTENCY_KEY_HEADER}: a request with this key arrived meanwhile; send it again`,
  });

/** Whether the device has answered the command: only then is it certain the edge held it. */
async function answeredByDevice(db: Kysely<CoreDatabase>, deviceId: string, commandUuid: string) {
  const row = await findDeviceCommand(db, deviceId, commandUuid);
  return row !== undefined && row.status !== 'queued';
}
const commandPage = z.object({ items: z.array(commandSummary), nextCursor: z.string().nullable() });

/**
 * The result as this principal may see it. A secret is shown only to a role with the permission, and only
 * once the read is in the audit log: if that write fails, the read fails.
 */
async function visibleResult(
  db: Kysely<CoreDatabase>,
  principal: Principal,
  row: DeviceCommand,
  commands: () => AdminCommands,
): Promise<Pick<z.infer<typeof commandDetail>, 'result' | 'redactedSecrets'>> {
  if (!row.result) return { result: null, redactedSecrets: null };
  const { result, redacted } = commands().redactResult(row.request_type, row.result);
  if (redacted.length === 0) return { result: row.result, redactedSecrets: null };
  // A team role reveals secrets of that team's devices only; the route already checked the device is visible.
  const scope = scopeOf(principal, SECRETS_PERMISSION);
  const allowed = scope === 'all' || (scope.length > 0 && (await findDevice(db, row.device_id, scope)));
  if (!allowed) {
    return { result, redactedSecrets: { keys: redacted, permission: SECRETS_PERMISSION } };
  }
  await recordAudit(db, principal, {
    action: 'device.command.result.read-secrets',
    targetKind: 'device',
    targetId: row.device_id,
    details: { commandUuid: row.command_uuid, requestType: row.request_type, keys: redacted },
  });
  return { result: row.result, redactedSecrets: null };
}

function summary(row: DeviceCommand): z.infer<typeof commandSummary> {
  return {
    commandUuid: row.command_uuid,
    requestType: row.request_type,
    status: row.status,
    requestedBy: row.requested_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The registered platforms' bodies; one platform's is documented as it is. */
function requestBodyOf(platforms: readonly AdminPlatform[]): z.ZodType {
  const [first, ...more] = platforms.map((platform) => platform.commands.requestBody);
  if (!first) throw new Error('the admin API needs at least one platform to send commands');
  return more.length === 0 ? first : z.union([first, ...more]);
}

export function deviceCommandRoutes(deps: DeviceCommandDeps): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/devices/{id}/commands',
        summary:
          'Send a command: audited, then queued by the device workflow. Helpdesk may send only queries and a lock (Apple: DeviceLock); raw plists and every other type need commands:send-any. The body is that of the device’s platform.',
        permission: 'commands:send',
        scope: 'team',
        params: { id: "Keep's device id." },
        headers: {
          [IDEMPOTENCY_KEY_HEADER]:
            'Optional, chosen by the client (e.g. a UUID): a retry with the same key and body is the same command, never a second one.',
        },
        body: requestBodyOf(deps.platforms),
        responses: {
          200: {
            description: 'A retry (same Idempotency-Key and body) of a command already queued: that command.',
            schema: accepted,
          },
          202: { description: 'Queued by the device workflow.', schema: accepted },
          404: { description: 'No such device.', schema: errorBody },
          409: {
            description:
              'The device workflow is not running, or refused the command, or the device cannot take it (a device-wide command to a User Enrollment), or no registered platform serves the device, or the Idempotency-Key was used for another request.',
            schema: errorBody,
          },
          503: {
            description:
              'Temporal did not answer in time; the message holds the command UUID to check. With an Idempotency-Key, send the same request again.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const principal = c.get('principal');
        const key = readIdempotencyKey(c);
        const body: unknown = await c.req.json().catch(() => undefined);
        // Which platform builds the command is the device's: find it among those this principal may command at all.
        const visible = await deviceOr404(deps.db, c.req.param('id'), scopeOf(principal, 'commands:send'));
        const fingerprint = requestFingerprint(visible.id, body);
        const earlier =
          key === undefined ? undefined : await findCommandIdempotencyKey(deps.db, principal.subject, key);
        if (earlier && earlier.request_sha256 !== fingerprint) throw keyReused();
        const commandUuid = earlier?.command_uuid ?? randomUUID();
        const { commands } = adminPlatform(deps.platforms, visible.platform);
        const built = commands.build(body, commandUuid);
        const { requestType, raw } = built;
        const permission = commands.permission(requestType, raw);
        const scope = scopeOf(principal, permission);
        if (scope !== 'all' && scope.length === 0) return forbidden(principal, permission);
        const device = scope === 'all' ? visible : await deviceOr404(deps.db, visible.id, scope);
        const refusal = commands.refusal?.(requestType, device);
        if (refusal) throw new HTTPException(409, { message: `requestType: ${refusal}` });
        const audit = (action: string, details: Record<string, unknown>) =>
          recordAudit(deps.db, principal, { action, targetKind: 'device', targetId: device.id, details });
        if (earlier && (earlier.queued_at || (await answeredByDevice(deps.db, device.id, commandUuid)))) {
          // An earlier try queued it (maybe after its caller saw a 503): answer with that command, queue nothing.
          // A core row still `queued` proves nothing: the device workflow writes it before the edge queues the
          // command, and a Temporal restart may lose the Update in between, so that retry sends the Update again
          // (same update id; queueing is idempotent in the workflow, the core and the edge).
          if (!earlier.queued_at) {
            await markCommandQueued(deps.db, commandUuid);
            await audit('device.command.outcome', { commandUuid, requestType, outcome: 'queued' });
          }
          return c.json({ commandUuid, status: 'queued' as const, pushed: false }, 200);
        }
        const edge = { ...deps, timeoutMs: deps.commandTimeoutMs };
        // A retry resends the first try's payload: a sealed one differs each time, and the proof names the first.
        const payload = earlier?.payload ?? (await payloadForEdge(edge, commands, built, commandUuid));
        if (key !== undefined && !earlier) {
          const claimed = await claimCommandIdempotencyKey(deps.db, {
            requested_by: principal.subject,
            idempotency_key: key,
            device_id: device.id,
            request_sha256: fingerprint,
            command_uuid: commandUuid,
            payload,
          });
          if (!claimed) throw keyTakenMeanwhile();
        }
        // Written first: if the audit row cannot be written, the command is not sent.
        await audit('device.command.send', {
          commandUuid,
          requestType,
          raw,
          ...(earlier ? { retry: true } : {}),
        });
        let result: QueueCommandResult;
        try {
          result = await queueCommandOnDevice(
            deps,
            device.id,
            { commandUuid, requestType, payload, requestedBy: principal.subject },
            deps.commandTimeoutMs,
          );
        } catch (error) {
          const outcome = error instanceof HTTPException && error.status === 503 ? 'unconfirmed' : 'refused';
          // Best effort: the caller gets the failure either way, and a retry with its key records the final outcome.
          await audit('device.command.outcome', { commandUuid, requestType, outcome }).catch(() => undefined);
          throw error;
        }
        if (key !== undefined) await markCommandQueued(deps.db, commandUuid);
        await audit('device.command.outcome', { commandUuid, requestType, outcome: 'queued' });
        return c.json(result, 202);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}/commands',
        summary: 'Commands sent to a device, newest first.',
        permission: 'commands:read',
        scope: 'team',
        params: { id: "Keep's device id." },
        query: pageQuery,
        responses: {
          200: { description: 'One page of commands.', schema: commandPage },
          404: { description: 'No such device.', schema: errorBody },
        },
      },
      async (c) => {
        const query = readQuery(c, pageQuery);
        const scope = scopeOf(c.get('principal'), 'commands:read');
        const device = await deviceOr404(deps.db, c.req.param('id'), scope);
        const before =
          query.cursor === undefined
            ? undefined
            : decodeCursor(query.cursor, [cursorPart.timestamp, cursorPart.text]);
        const rows = await listDeviceCommands(deps.db, device.id, { limit: query.limit + 1, before });
        return c.json(toPage(rows, query.limit, summary, (row) => [row.created_key, row.command_uuid]));
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}/command-events',
        summary: `The first page of GET /v1/devices/{id}/commands (limit as there), live. ${snapshotStreamDescription}`,
        permission: 'commands:read',
        scope: 'team',
        params: { id: "Keep's device id." },
        query: pageQuery.omit({ cursor: true }),
        responses: {
          200: { description: 'Server-sent `snapshot` events, each data a page of commands as JSON.' },
          404: { description: 'No such device.', schema: errorBody },
        },
      },
      async (c) => {
        const { limit } = readQuery(c, pageQuery.omit({ cursor: true }));
        const scope = scopeOf(c.get('principal'), 'commands:read');
        const device = await deviceOr404(deps.db, c.req.param('id'), scope);
        return snapshotStream(c, async () => {
          const rows = await listDeviceCommands(deps.db, device.id, { limit: limit + 1 });
          return toPage(rows, limit, summary, (row) => [row.created_key, row.command_uuid]);
        });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}/commands/{uuid}',
        summary: `One command's status and result, as the device reported it. Secrets in a result (bypass codes, unlock tokens, escrowed keys) are redacted without ${SECRETS_PERMISSION}; with it, the read is audited first.`,
        permission: 'commands:read',
        scope: 'team',
        params: { id: "Keep's device id.", uuid: 'The command UUID.' },
        responses: {
          200: { description: 'The command.', schema: commandDetail },
          404: { description: 'No such device or command.', schema: errorBody },
        },
      },
      async (c) => {
        const scope = scopeOf(c.get('principal'), 'commands:read');
        const device = await deviceOr404(deps.db, c.req.param('id'), scope);
        const row = await findDeviceCommand(deps.db, device.id, c.req.param('uuid'));
        if (!row) throw new HTTPException(404, { message: 'uuid: no such command for this device' });
        const body: z.infer<typeof commandDetail> = {
          ...summary(row),
          ...(await visibleResult(
            deps.db,
            c.get('principal'),
            row,
            () => adminPlatform(deps.platforms, device.platform).commands,
          )),
          errorChain: row.error_chain,
        };
        return c.json(body);
      },
    ),
  ];
}
