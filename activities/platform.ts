// The core side of a platform: what the neutral device activities ask of it, and the activities it adds to
// the core worker. Each platform's folder exports one CorePlatform; activities/platforms.ts lists them.
import type { Kysely } from 'kysely';
import type { KeyRing } from '../core/crypto/key-ring.js';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { DeviceFactsPatch } from '../core/device/device-facts.js';
import type { ActivityFunctions } from '../runtime/activity-functions.js';

export interface CorePlatformDeps {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
}

export interface CorePlatform {
  /** The platform's id: `devices.platform`, and the `platform` of its device events. */
  readonly id: string;
  /** Activities its workflows call on the core task queue; one worker holds every platform's, so names say whose. */
  activities(deps: CorePlatformDeps): ActivityFunctions;
  /** The commands Keep sends a device of this platform when it first enrols, so its inventory is its own answer. */
  inventoryCommands(): DeviceCommand[];
  /** What a command's result adds to the inventory (facts readable by every role: no secret). */
  resultFacts(requestType: string, result: Record<string, unknown>): DeviceFactsPatch | undefined;
}
