// The core's activities for device workflows, for every platform: the inventory of record and command
// outcomes. What differs per platform (inventory commands, result → facts) comes from its CorePlatform.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import { normalizeDeviceEvent, type ReceivedDeviceEvent } from '../../core/device/received-device-event.js';
import type { CorePlatform } from '../platform.js';
import { corePlatform } from '../platforms.js';
import { applyDeviceEvents } from './device-event-apply.js';

export function createDeviceActivities(deps: {
  db: Kysely<CoreDatabase>;
  platforms: readonly CorePlatform[];
}) {
  const { db } = deps;

  return {
    /**
     * One event, for device workflows that scheduled this before events were ingested in bulk (their histories
     * still call it); new events reach the core through the device-events workflow. Accepts the Apple-only
     * event shape too.
     */
    async recordDeviceEvent(input: { deviceId: string; event: ReceivedDeviceEvent }): Promise<void> {
      await applyDeviceEvents(db, deps.platforms, [
        { deviceId: input.deviceId, event: normalizeDeviceEvent(input.event) },
      ]);
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
