// The core's activities for device workflows: the inventory of record, command outcomes, the bootstrap-token vault.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { buildCommand, redactSecrets, serializeCommand } from '../../core/apple/commands/index.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DeviceCommandStatus } from '../../core/db/core/device-command.table.js';
import type { DeviceEvent } from '../../core/device/device-event.js';

export interface CommandToQueue {
  commandUuid: string;
  requestType: string;
  plist: string;
}

/** What Keep asks every new Apple device for, so its inventory is the device's own answer. */
export const INVENTORY_QUERIES = [
  'DeviceName',
  'Model',
  'ModelName',
  'ProductName',
  'OSVersion',
  'BuildVersion',
  'SerialNumber',
  'UDID',
  'IsSupervised',
  'IsActivationLockEnabled',
  'AvailableDeviceCapacity',
  'DeviceCapacity',
];

const REPORT_STATUS: Record<string, DeviceCommandStatus> = {
  Acknowledged: 'acknowledged',
  Error: 'error',
  CommandFormatError: 'format-error',
  NotNow: 'not-now',
};

const aad = (deviceId: string) => Buffer.from(`core.bootstrap_tokens:${deviceId}`);

/** Merges `patch` into the device's facts without a read (one UPDATE, safe against concurrent writers). */
function mergeFacts(patch: Record<string, unknown>) {
  return sql<string>`devices.facts || ${JSON.stringify(patch)}::jsonb`;
}

export function createDeviceActivities(deps: { db: Kysely<CoreDatabase>; keyRing: KeyRing }) {
  const { db } = deps;

  async function recordReport(deviceId: string, event: Extract<DeviceEvent, { kind: 'command-report' }>) {
    const updated = await db
      .updateTable('device_commands')
      .set({
        status: REPORT_STATUS[event.status]!,
        result: event.result ? JSON.stringify(event.result) : null,
        error_chain: event.errorChain ? JSON.stringify(event.errorChain) : null,
        updated_at: new Date(event.at),
      })
      .where('command_uuid', '=', event.commandUuid)
      .where('device_id', '=', deviceId)
      // A late NotNow never overwrites a final answer.
      .where((eb) => (event.status === 'NotNow' ? eb('status', 'in', ['queued', 'not-now']) : eb.val(true)))
      .returning('request_type')
      .executeTakeFirst();
    if (!updated || event.status !== 'Acknowledged' || !event.result) return;
    // Facts are inventory every role may read: a secret stays only in the command's result, behind its permission.
    const inventory = redactSecrets(updated.request_type, event.result).result;
    if (updated.request_type === 'DeviceInformation') {
      const q = (inventory.QueryResponses ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
      await db
        .updateTable('devices')
        .set({
          facts: mergeFacts({ deviceInformation: q }),
          name: str('DeviceName'),
          model: str('ModelName') ?? str('Model'),
          os_version: str('OSVersion'),
          serial_number: str('SerialNumber'),
          updated_at: new Date(),
        })
        .where('id', '=', deviceId)
        .execute();
    } else if (updated.request_type === 'SecurityInfo') {
      await db
        .updateTable('devices')
        .set({ facts: mergeFacts({ securityInfo: inventory.SecurityInfo ?? {} }), updated_at: new Date() })
        .where('id', '=', deviceId)
        .execute();
    } else if (
      updated.request_type === 'ProfileList' ||
      updated.request_type === 'InstalledApplicationList' ||
      updated.request_type === 'CertificateList'
    ) {
      const key = updated.request_type[0]!.toLowerCase() + updated.request_type.slice(1);
      const list = inventory[updated.request_type] ?? inventory.InstalledApplicationList ?? [];
      await db
        .updateTable('devices')
        .set({ facts: mergeFacts({ [key]: list }), updated_at: new Date() })
        .where('id', '=', deviceId)
        .execute();
    }
  }

  return {
    /** Idempotent: every write is an upsert or a conditional update keyed by the event. */
    async recordDeviceEvent({ deviceId, event }: { deviceId: string; event: DeviceEvent }): Promise<void> {
      const at = new Date(event.at);
      switch (event.kind) {
        case 'authenticated':
          await db
            .insertInto('devices')
            .values({
              id: deviceId,
              platform: 'apple',
              enrollment_id: event.enrollmentId,
              udid: event.udid,
              serial_number: event.serialNumber ?? null,
              name: event.deviceName ?? null,
              model: event.modelName ?? event.model ?? null,
              os_version: event.osVersion ?? null,
              enrollment_status: 'authenticated',
              facts: JSON.stringify({ authenticate: event }),
              enrolled_at: null,
              last_seen_at: at,
              updated_at: at,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                enrollment_id: event.enrollmentId,
                udid: event.udid,
                serial_number: eb.fn.coalesce(eb.val(event.serialNumber ?? null), 'devices.serial_number'),
                enrollment_status: 'authenticated',
                facts: mergeFacts({ authenticate: event }),
                last_seen_at: at,
                updated_at: at,
              })),
            )
            .execute();
          return;
        case 'token-updated':
          if (event.user) return;
          // An upsert: the device row exists from here on even if Authenticate's facts are still on their way.
          await db
            .insertInto('devices')
            .values({
              id: deviceId,
              platform: 'apple',
              enrollment_id: event.enrollmentId,
              udid: null,
              serial_number: null,
              name: null,
              model: null,
              os_version: null,
              enrollment_status: 'enrolled',
              enrolled_at: at,
              last_seen_at: at,
              updated_at: at,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                enrollment_status: 'enrolled',
                enrolled_at: eb.fn.coalesce('devices.enrolled_at', eb.val(at)),
                last_seen_at: at,
                updated_at: at,
              })),
            )
            .execute();
          return;
        case 'checked-out':
          await db
            .updateTable('devices')
            .set({ enrollment_status: 'checked-out', last_seen_at: at, updated_at: at })
            .where('id', '=', deviceId)
            .execute();
          return;
        case 'command-report':
          await recordReport(deviceId, event);
          await db.updateTable('devices').set({ last_seen_at: at }).where('id', '=', deviceId).execute();
          return;
        case 'identity-renewed':
          await db.updateTable('devices').set({ last_seen_at: at }).where('id', '=', deviceId).execute();
          return;
        case 'declarative-status':
          await db
            .updateTable('devices')
            .set({ facts: mergeFacts({ declarativeStatus: event.report }), last_seen_at: at, updated_at: at })
            .where('id', '=', deviceId)
            .execute();
          return;
        default: {
          const unknown: never = event;
          // Only the kind: an event carries the UDID and serial, which never go into an error message.
          throw new Error(`unknown device event kind ${String((unknown as { kind: unknown }).kind)}`);
        }
      }
    },

    async recordCommandQueued(input: {
      deviceId: string;
      commandUuid: string;
      requestType: string;
      requestedBy: string;
    }): Promise<void> {
      await db
        .insertInto('device_commands')
        .values({
          command_uuid: input.commandUuid,
          device_id: input.deviceId,
          request_type: input.requestType,
          status: 'queued',
          requested_by: input.requestedBy,
          updated_at: new Date(),
        })
        .onConflict((oc) => oc.column('command_uuid').doNothing())
        .execute();
    },

    /** The commands Keep sends itself when a device first enrols (built here: workflows hold no codecs). */
    async buildInventoryCommands(): Promise<CommandToQueue[]> {
      return [
        buildCommand({ requestType: 'DeviceInformation', queries: INVENTORY_QUERIES }),
        buildCommand({ requestType: 'SecurityInfo' }),
      ].map((command) => ({
        commandUuid: command.CommandUUID,
        requestType: command.Command.RequestType,
        plist: serializeCommand(command),
      }));
    },

    async escrowBootstrapToken({ deviceId, token }: { deviceId: string; token?: string }): Promise<void> {
      if (!token) {
        await db.deleteFrom('bootstrap_tokens').where('device_id', '=', deviceId).execute();
        return;
      }
      const sealed = deps.keyRing.sealToString(Buffer.from(token, 'base64'), aad(deviceId));
      await db
        .insertInto('bootstrap_tokens')
        .values({ device_id: deviceId, sealed_token: sealed })
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet({ sealed_token: sealed, created_at: new Date() }),
        )
        .execute();
    },

    /** The device asks for its own escrowed token back; the read is audited before it happens. */
    async readBootstrapToken({ deviceId }: { deviceId: string }): Promise<{ token?: string }> {
      await db
        .insertInto('audit_log')
        .values({
          actor: `device:${deviceId}`,
          action: 'bootstrap-token.read',
          target_kind: 'device',
          target_id: deviceId,
          details: JSON.stringify({ via: 'GetBootstrapToken' }),
        })
        .execute();
      const row = await db
        .selectFrom('bootstrap_tokens')
        .select('sealed_token')
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      if (!row) return {};
      return { token: deps.keyRing.openString(row.sealed_token, aad(deviceId)).toString('base64') };
    },
  };
}

export type DeviceActivities = ReturnType<typeof createDeviceActivities>;
