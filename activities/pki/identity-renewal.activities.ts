// The core's side of device identity renewal: which identities are due, the InstallProfile that renews each
// (the enrollment profile again, with a renewal challenge), and what the runs asked for and what came of it.
import { sql } from 'kysely';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import { canEncryptTo } from '../../core/apple/encrypted-profile.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import { renewalDueAt } from '../../core/pki/renewal-due.js';
import { signedEnrollmentProfile, type ProfileDeps } from './enrollment-profile.activities.js';
import { findCurrentIdentity } from './certificate.repository.js';

export interface IdentityRenewalSettings {
  /** Identities expiring within this many days are renewed, spread over the first half of the window. */
  windowDays: number;
  /** At most this many devices are asked per run. */
  maxPerRun: number;
  /** A device asked and not yet renewed is asked again after this many hours. */
  retryHours: number;
}

export interface RenewalTarget {
  enrollmentId: string;
  deviceId: string;
  fingerprint: string;
  notAfter: string;
}

/** Candidates read per page before the jitter picks the due ones. */
const SCAN_PAGE = 1_000;

export function createIdentityRenewalActivities(deps: ProfileDeps & { renewal: IdentityRenewalSettings }) {
  const { db, renewal } = deps;
  return {
    /**
     * Apple device identities bound to a live enrollment, expiring within the window, due by their jitter, not
     * renewed yet and not asked within the retry interval; soonest expiry first, at most `maxPerRun`.
     */
    async findIdentitiesToRenew(): Promise<RenewalTarget[]> {
      const now = new Date();
      const { rows } = await sql<{
        enrollment_id: string;
        device_id: string;
        sha256_fingerprint: string;
        not_after: Date;
      }>`
        select c.enrollment_id, d.id as device_id, c.sha256_fingerprint, c.not_after
        from core.certificates c
        join core.devices d on d.enrollment_id = c.enrollment_id
        left join core.identity_renewals r on r.certificate_fingerprint = c.sha256_fingerprint
        where c.profile = 'device-identity' and c.revoked_at is null and d.platform = 'apple'
          and d.enrollment_status <> 'checked-out'
          and c.not_after > ${now} and c.not_after < ${new Date(now.getTime() + renewal.windowDays * 86_400_000)}
          and not exists (select 1 from core.certificates s where s.renewal_of = c.sha256_fingerprint)
          and (r.requested_at is null or r.requested_at < ${new Date(now.getTime() - renewal.retryHours * 3_600_000)})
        order by c.not_after
        limit ${SCAN_PAGE}`.execute(db);
      return rows
        .filter((row) => renewalDueAt(row.not_after, renewal.windowDays, row.enrollment_id) <= now)
        .slice(0, renewal.maxPerRun)
        .map((row) => ({
          enrollmentId: row.enrollment_id,
          deviceId: row.device_id,
          fingerprint: row.sha256_fingerprint,
          notAfter: row.not_after.toISOString(),
        }));
    },

    /**
     * The InstallProfile that renews one identity: the enrollment profile, same identifiers, with a fresh
     * renewal challenge (single-use, bound to the enrollment; the certificate it gets renews the current one).
     * Its payloads are encrypted to the identity being renewed, so the challenge crosses Temporal and the edge
     * readable by the device only (an elliptic-curve identity cannot receive it encrypted yet).
     */
    async buildIdentityRenewalCommand(input: { enrollmentId: string }): Promise<DeviceCommand> {
      const current = (await findCurrentIdentity(db, input.enrollmentId))?.der;
      const encryptTo = current && canEncryptTo(current) ? current : undefined;
      const { signed } = await signedEnrollmentProfile(
        deps,
        input.enrollmentId,
        'identity-renewal',
        encryptTo,
      );
      const built = buildCommand({ requestType: 'InstallProfile', payload: signed });
      return {
        commandUuid: built.CommandUUID,
        requestType: built.Command.RequestType,
        payload: serializeCommand(built),
      };
    },

    /** Records that a run asked this device; asking again counts an attempt. */
    async recordIdentityRenewalAsked(input: {
      target: RenewalTarget;
      commandUuid: string;
      runId: string;
    }): Promise<void> {
      await db
        .insertInto('identity_renewals')
        .values({
          certificate_fingerprint: input.target.fingerprint,
          enrollment_id: input.target.enrollmentId,
          device_id: input.target.deviceId,
          not_after: new Date(input.target.notAfter),
          command_uuid: input.commandUuid,
          run_id: input.runId,
        })
        .onConflict((oc) =>
          oc.column('certificate_fingerprint').doUpdateSet((eb) => ({
            command_uuid: input.commandUuid,
            run_id: input.runId,
            requested_at: sql<Date>`now()`,
            attempts: eb('identity_renewals.attempts', '+', 1),
          })),
        )
        .execute();
    },
  };
}

export type IdentityRenewalActivities = ReturnType<typeof createIdentityRenewalActivities>;
