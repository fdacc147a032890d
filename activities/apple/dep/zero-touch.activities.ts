// The core's side of a zero-touch enrollment: admit a device ABM assigned to Keep, record its progress, and find
// its owner in the directory and the teams the owner's groups map to.
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import { buildCommand, serializeCommand } from '../../../core/apple/commands/index.js';
import { parseTeamRules } from '../../../core/apple/dep/index.js';
import type { DepSettings } from '../../../core/config/config.schema.js';
import type { CoreDatabase } from '../../../core/db/core-database.js';
import type { CommandOutcome } from '../../../core/device/device-event.js';
import type { ZeroTouchStatus } from '../../../core/db/core/zero-touch-enrollment.table.js';
import type { DirectoryActivities } from '../../directory/directory-sync.activities.js';
import { signedInOwner } from '../apple-sign-in.repository.js';
import { findOwnerUser, placeInOwnerTeams } from '../owner-teams.js';

export interface ZeroTouchDeps {
  db: Kysely<CoreDatabase>;
  dep: DepSettings;
  /** Absent without a directory: owners are then looked up in what SCIM or an earlier sync left. */
  directory?: Pick<DirectoryActivities, 'syncDirectory'> | undefined;
}

export interface ZeroTouchProgress {
  enrollmentId: string;
  status: ZeroTouchStatus;
  reason?: string;
  deviceId?: string;
}

export interface Placement {
  /** Keep's id of the owner's directory user; absent when the device has no owner or the directory lacks them. */
  ownerUserId?: string;
  teams: string[];
  reason?: string;
}

export function createZeroTouchActivities(deps: ZeroTouchDeps) {
  const rules = parseTeamRules(deps.dep.teamRules);

  const findOwner = (owner: string) => findOwnerUser(deps.db, owner);

  return {
    /**
     * Where the device's baseline stands, from the core DB (the record the device-event ingest writes): how
     * many of the commands Keep sent it have no final answer yet, and the answer to one command if asked.
     */
    async zeroTouchBaseline(input: {
      deviceId: string;
      commandUuid?: string;
    }): Promise<{ pending: number; outcome?: CommandOutcome }> {
      const rows = await deps.db
        .selectFrom('device_commands')
        .select(['command_uuid', 'status'])
        .where('device_id', '=', input.deviceId)
        .where('requested_by', '=', 'keep')
        .execute();
      const pending = rows.filter((row) => row.status === 'queued' || row.status === 'not-now').length;
      const outcome = rows.find((row) => row.command_uuid === input.commandUuid)?.status;
      return { pending, ...(outcome === undefined || outcome === 'queued' ? {} : { outcome }) };
    },

    /** The command that lets Setup Assistant go on (built here: a workflow cannot make the UUID or plist). */
    async buildDeviceConfigured(): Promise<{ commandUuid: string; requestType: string; payload: string }> {
      const command = buildCommand({ requestType: 'DeviceConfigured' });
      return {
        commandUuid: command.CommandUUID,
        requestType: command.Command.RequestType,
        payload: serializeCommand(command),
      };
    },

    /** Only a device ABM assigns to Keep today may enrol zero-touch; the serial never leaves the core. */
    async admitZeroTouchDevice(input: {
      serialNumber: string;
    }): Promise<{ depDeviceId: string; configuredTimeoutMinutes: number }> {
      const device = await deps.db
        .selectFrom('dep_devices')
        .select('id')
        .where('serial_number', '=', input.serialNumber)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (!device)
        throw ApplicationFailure.nonRetryable(
          'the device is not assigned to Keep in Apple Business Manager',
          'NotAdmitted',
        );
      return { depDeviceId: device.id, configuredTimeoutMinutes: deps.dep.configuredTimeoutMinutes };
    },

    /** Creates or moves on the enrollment's row; idempotent, so a retried activity leaves the same state. */
    async recordZeroTouchProgress(
      input: ZeroTouchProgress & { depDeviceId: string; placement?: Placement },
    ): Promise<void> {
      const values = {
        status: input.status,
        reason: input.reason ?? null,
        ...(input.deviceId ? { device_id: input.deviceId } : {}),
        ...(input.placement
          ? {
              owner_user_id: input.placement.ownerUserId ?? null,
              teams: JSON.stringify(input.placement.teams),
            }
          : {}),
      };
      await deps.db
        .insertInto('zero_touch_enrollments')
        .values({ enrollment_id: input.enrollmentId, dep_device_id: input.depDeviceId, ...values })
        .onConflict((oc) => oc.column('enrollment_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
        .execute();
    },

    /**
     * Looks the owner up in the directory — the user who signed in on the device, or else the pre-staged one —
     * and puts the device in the teams their groups map to. A new hire may be in the directory before the next
     * scheduled sync, so a miss syncs once and looks again; a directory that is down fails the activity, which
     * Temporal retries until it is back.
     */
    async placeZeroTouchDevice(input: {
      depDeviceId: string;
      deviceId: string;
      /** Absent in histories from before ADE sign-in: those enrolments have a pre-staged owner only. */
      enrollmentId?: string;
    }): Promise<Placement> {
      let user: { id: string } | undefined;
      const signedIn = input.enrollmentId ? await signedInOwner(deps.db, input.enrollmentId) : undefined;
      if (signedIn) {
        user = await deps.db
          .selectFrom('directory_users')
          .select('id')
          .where('id', '=', signedIn)
          .where('deleted_at', 'is', null)
          .where('disabled', '=', false)
          .executeTakeFirst();
        if (!user) return { teams: [], reason: 'the signed-in owner is no longer in the directory' };
      } else {
        const { owner } = await deps.db
          .selectFrom('dep_devices')
          .select('owner')
          .where('id', '=', input.depDeviceId)
          .executeTakeFirstOrThrow();
        if (!owner) return { teams: [], reason: 'no owner is pre-staged for this device' };
        user = await findOwner(owner);
        if (!user && deps.directory) {
          await deps.directory.syncDirectory({});
          user = await findOwner(owner);
        }
        if (!user) return { teams: [], reason: 'the owner is not in the directory' };
      }
      const teams = await placeInOwnerTeams(deps.db, rules, { userId: user.id, deviceId: input.deviceId });
      return { ownerUserId: user.id, teams };
    },
  };
}

export type ZeroTouchActivities = ReturnType<typeof createZeroTouchActivities>;
