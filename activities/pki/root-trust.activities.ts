// The trust half of a root rollover: the enrolled Apple devices get the successor root as a trust profile before
// anything is issued under it, and their own ProfileList answers (the facts the core records) count which have it.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { buildCommand, serializeCommand } from '../../core/apple/commands/build-command.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import { signProfile } from '../../core/apple/profile-signer.js';
import { buildRootTrustProfile, rootTrustIdentifier } from '../../core/apple/root-trust-profile.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import { pemBlocks } from '../../core/pki/pem.js';
import type { CaLoader } from './ca-loader.js';
import { keepProfileSigner } from './keep-profile-signer.js';

export interface RootTrustCount {
  /** Enrolled Apple devices. */
  enrolled: number;
  /** Of them, those whose last ProfileList names the successor root's trust profile. */
  trusted: number;
  /** Enrollments still without it, after the cursor, at most a page: the next to ask. */
  untrusted: string[];
}

export function createRootTrustActivities(deps: {
  db: Kysely<CoreDatabase>;
  ca: CaLoader;
  pki: { organization: string };
}) {
  const { db } = deps;
  const successorRoot = async (rolloverId: string): Promise<Buffer> => {
    const row = await db
      .selectFrom('ca_keys')
      .select('certificate_pem')
      .where('purpose', '=', 'root')
      .where('rollover_id', '=', rolloverId)
      .executeTakeFirstOrThrow();
    return pemBlocks(row.certificate_pem, 'CERTIFICATE')[0]!;
  };

  return {
    /** Counts the fleet's trust in the rollover's new root and pages through the devices without it. */
    async countRootTrust(input: {
      rolloverId: string;
      after: string | null;
      pageSize: number;
    }): Promise<RootTrustCount> {
      const listed = JSON.stringify([
        { PayloadIdentifier: rootTrustIdentifier(await successorRoot(input.rolloverId)) },
      ]);
      const trusts = sql<boolean>`coalesce(facts->'profileList' @> ${listed}::jsonb, false)`;
      const fleet = db
        .selectFrom('devices')
        .where('platform', '=', 'apple')
        .where('enrollment_status', '=', 'enrolled')
        .where('enrollment_id', 'is not', null);
      const [counts, page] = await Promise.all([
        fleet
          .select((eb) => [
            eb.fn.countAll<string>().as('enrolled'),
            sql<string>`count(*) filter (where ${trusts})`.as('trusted'),
          ])
          .executeTakeFirstOrThrow(),
        fleet
          .select('enrollment_id')
          .where(sql<boolean>`not ${trusts}`)
          .$if(input.after !== null, (q) => q.where('enrollment_id', '>', input.after!))
          .orderBy('enrollment_id')
          .limit(input.pageSize)
          .execute(),
      ]);
      return {
        enrolled: Number(counts.enrolled),
        trusted: Number(counts.trusted),
        untrusted: page.map((row) => row.enrollment_id!),
      };
    },

    /**
     * For each enrollment, the signed trust profile (InstallProfile) and a ProfileList, whose answer proves it.
     * Signed here, in the core worker: the signing key never travels through Temporal. Both are recorded as
     * Keep's own commands: only a recorded command's answer adds to the device's facts.
     */
    async buildRootTrustCommands(input: {
      rolloverId: string;
      enrollmentIds: string[];
    }): Promise<Array<{ enrollmentId: string; commands: DeviceCommand[] }>> {
      const rootDer = await successorRoot(input.rolloverId);
      const signed = signProfile(
        Buffer.from(buildPlist(buildRootTrustProfile({ rootDer, organization: deps.pki.organization }))),
        keepProfileSigner(await deps.ca()),
      );
      const command = (spec: Parameters<typeof buildCommand>[0]): DeviceCommand => {
        const built = buildCommand(spec);
        return {
          commandUuid: built.CommandUUID,
          requestType: built.Command.RequestType,
          payload: serializeCommand(built),
        };
      };
      const devices = await db
        .selectFrom('devices')
        .select(['id', 'enrollment_id'])
        .where('enrollment_id', 'in', input.enrollmentIds)
        .execute();
      const built = devices.map((device) => ({
        deviceId: device.id,
        enrollmentId: device.enrollment_id!,
        commands: [
          command({ requestType: 'InstallProfile', payload: signed }),
          command({ requestType: 'ProfileList' }),
        ],
      }));
      if (built.length)
        await db
          .insertInto('device_commands')
          .values(
            built.flatMap(({ deviceId, commands }) =>
              commands.map((c) => ({
                command_uuid: c.commandUuid,
                device_id: deviceId,
                request_type: c.requestType,
                status: 'queued' as const,
                requested_by: 'keep',
                updated_at: new Date(),
              })),
            ),
          )
          .execute();
      return built.map(({ enrollmentId, commands }) => ({ enrollmentId, commands }));
    },
  };
}

export type RootTrustActivities = ReturnType<typeof createRootTrustActivities>;
