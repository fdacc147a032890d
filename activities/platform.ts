// The core side of a platform: what the neutral device activities ask of it, and the activities it adds to
// the core worker. Each platform's folder exports one CorePlatform; activities/platforms.ts lists them.
import type { Kysely } from 'kysely';
import type { DirectorySettings } from '../core/config/config.schema.js';
import type { KeyRing } from '../core/crypto/key-ring.js';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { DeviceFactsPatch } from '../core/device/device-facts.js';
import type { ActivityFunctions } from '../runtime/activity-functions.js';
import type { CaLoader } from './pki/ca-loader.js';
import type { PkiSettings } from './pki/pki.activities.js';
import type { Kms } from '../core/vault/kms.js';
import type { SignInSettings } from './windows/windows-sign-in.activities.js';

export interface CorePlatformDeps {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  /** Keep's CA (opened in this worker only), for a platform that enrols devices without SCEP. */
  ca: CaLoader;
  pki: PkiSettings;
  /** The vault's key-encryption keys, for a platform that escrows device secrets. */
  kms: Kms;
  /** The directory, for a platform that checks users' credentials at enrolment. */
  directory?: DirectorySettings | undefined;
  /** The OIDC provider users sign in with to enrol a device (its client secret stays in the core). */
  signIn?: SignInSettings | undefined;
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
  /** Whether a command's result carries a secret to escrow, so the device workflow is woken to vault it. */
  carriesEscrowedSecret?(result: Record<string, unknown>): boolean;
}
