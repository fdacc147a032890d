// The core's activities for device workflows, for every platform: the inventory of record and command
// outcomes. What differs per platform (inventory commands, result → facts) comes from its CorePlatform.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import type { DeviceEvent } from '../../core/device/device-event.js';
import type { DeviceFactsPatch } from '../../core/device/device-facts.js';
import { normalizeDeviceEvent, type ReceivedDeviceEvent } from '../../core/device/received-device-event.js';
import type { CorePlatform } from '../platform.js';
import { corePlatform } from '../platforms.js';

/** Merges `patch` into the device's facts without a read (one UPDATE, safe against concurrent writers). */
function mergeFacts(patch: Record<string, unknown>) {
  return sql<string>`devices.facts || ${JSON.stringify(patch)}::jsonb`;
}

export function createDeviceActivities(deps: {
  db: Kysely<CoreDatabase>;
  platforms: readonly CorePlatform[];
}) {
  const { db } = deps;

  async function applyFacts(deviceId: string, patch: DeviceFactsPatch): Promise<void> {
    const { name, model, osVersion, serialNumber } = patch.columns ?? {};
    await db
      .updateTable('devices')
      .set({
        facts: mergeFacts(patch.facts),
        ...(name === undefined ? {} : { name }),
        ...(model === undefined ? {} : { model }),
        ...(osVersion === undefined ? {} : { os_version: osVersion }),
        ...(serialNumber === undefined ? {} : { serial_number: serialNumber }),
        updated_at: new Date(),
      })
      .where('id', '=', deviceId)
      .execute();
  }

  async function recordReport(deviceId: string, event: Extract<DeviceEvent, { kind: 'command-report' }>) {
    const { commandUuid, outcome, result, errorChain } = event.data;
    const updated = await db
      .updateTable('device_commands')
      .set({
        status: outcome,
        result: result ? JSON.stringify(result) : null,
        error_chain: errorChain ? JSON.stringify(errorChain) : null,
        updated_at: new Date(event.at),
      })
      .where('command_uuid', '=', commandUuid)
      .where('device_id', '=', deviceId)
      // A late NotNow never overwrites a final answer.
      .where((eb) => (outcome === 'not-now' ? eb('status', 'in', ['queued', 'not-now']) : eb.val(true)))
      .returning('request_type')
      .executeTakeFirst();
    if (!updated || outcome !== 'acknowledged' || !result) return;
    const patch = corePlatform(deps.platforms, event.platform).resultFacts(updated.request_type, result);
    if (patch) await applyFacts(deviceId, patch);
  }

  return {
    /**
     * Idempotent: every write is an upsert or a conditional update keyed by the event. Accepts the Apple-only
     * event shape too, for an activity a workflow scheduled before events were neutral.
     */
    async recordDeviceEvent(input: { deviceId: string; event: ReceivedDeviceEvent }): Promise<void> {
      const { deviceId } = input;
      const event = normalizeDeviceEvent(input.event);
      const at = new Date(event.at);
      switch (event.kind) {
        case 'authenticated': {
          const { data } = event;
          await db
            .insertInto('devices')
            .values({
              id: deviceId,
              platform: event.platform,
              enrollment_id: event.enrollmentId,
              udid: data.hardwareId,
              serial_number: data.serialNumber ?? null,
              name: data.name ?? null,
              model: data.model ?? null,
              os_version: data.osVersion ?? null,
              enrollment_status: 'authenticated',
              facts: JSON.stringify(data.facts),
              enrolled_at: null,
              last_seen_at: at,
              updated_at: at,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                enrollment_id: event.enrollmentId,
                udid: data.hardwareId,
                serial_number: eb.fn.coalesce(eb.val(data.serialNumber ?? null), 'devices.serial_number'),
                enrollment_status: 'authenticated',
                facts: mergeFacts(data.facts),
                last_seen_at: at,
                updated_at: at,
              })),
            )
            .execute();
          return;
        }
        case 'channel-ready':
          if (event.data.userChannel) return;
          // An upsert: the device row exists from here on even if Authenticate's facts are still on their way.
          await db
            .insertInto('devices')
            .values({
              id: deviceId,
              platform: event.platform,
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
        case 'facts-reported':
          await db
            .updateTable('devices')
            .set({ facts: mergeFacts(event.data.facts), last_seen_at: at, updated_at: at })
            .where('id', '=', deviceId)
            .execute();
          return;
        default: {
          const unknown: never = event;
          // Only the kind: an event carries hardware ids and serials, which never go into an error message.
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

    /**
     * The commands Keep sends a device of `platform` when it first enrols (built here: workflows hold no
     * codecs). A workflow that scheduled this before events had a platform passes nothing: Apple.
     */
    async buildInventoryCommands(input?: { platform: string }): Promise<DeviceCommand[]> {
      return corePlatform(deps.platforms, input?.platform ?? 'apple').inventoryCommands();
    },
  };
}

export type DeviceActivities = ReturnType<typeof createDeviceActivities>;
