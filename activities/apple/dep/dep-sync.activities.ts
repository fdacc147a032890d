// One ABM sync run per server entry: fetch (first time, or after Apple refused the cursor) or sync from the saved
// cursor, written page by page with the cursor in one transaction, then the default profile assigned to new devices.
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import { buildEnrollmentProfile, DepError, type DepErrorCode } from '../../../core/apple/dep/index.js';
import type { DepSettings } from '../../../core/config/config.schema.js';
import type { KeyRing } from '../../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../../core/db/core-database.js';
import type { DepServerRow } from '../../../core/db/core/dep-server.table.js';
import { createDepClient, type DepClient, type DevicePage } from './dep-client.js';
import { openServerToken } from './dep-token.activities.js';

export interface DepSyncDeps {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  pki: { organization: string; edgePublicUrl: string };
  dep: DepSettings;
}

export interface DepSyncSummary {
  servers: number;
  added: number;
  modified: number;
  removed: number;
  assigned: number;
  /** Apple refused a saved cursor, so a run listed everything again. */
  restarted: boolean;
}

/** Pages per run: a huge account finishes over several scheduled runs instead of one endless activity. */
const MAX_PAGES_PER_RUN = 100;

/** The admin must act (new token, accept terms); retrying before then only burns Apple's rate limit. */
const NEEDS_ADMIN: readonly DepErrorCode[] = ['token-expired', 'token-rejected', 'terms-not-signed'];

/** The path a device fetches its enrollment profile from during Setup Assistant (edge/apple/dep-enroll.routes.ts). */
export const DEP_ENROLL_PATH = '/mdm/dep/enroll';
/** The page Setup Assistant shows when users must sign in first (edge/apple/dep-sign-in.routes.ts). */
export const DEP_SIGN_IN_PATH = '/mdm/dep/sign-in';

export function createDepSyncActivities(deps: DepSyncDeps) {
  const edgeUrl = deps.pki.edgePublicUrl.replace(/\/$/, '');

  async function ensureProfile(server: DepServerRow, client: DepClient): Promise<string> {
    if (server.profile_uuid) return server.profile_uuid;
    const { profileUuid } = await client.defineProfile(
      buildEnrollmentProfile({
        name: `${deps.pki.organization} zero-touch`,
        enrollmentUrl: `${edgeUrl}${DEP_ENROLL_PATH}`,
        mandatory: true,
        awaitDeviceConfigured: true,
        skipSetupItems: [],
        ...(deps.dep.signInRequired ? { signInUrl: `${edgeUrl}${DEP_SIGN_IN_PATH}` } : {}),
      }),
    );
    await deps.db
      .updateTable('dep_servers')
      .set({ profile_uuid: profileUuid })
      .where('id', '=', server.id)
      .execute();
    return profileUuid;
  }

  /** Writes one page and the cursor after it together: a retried run resumes where the last page ended. */
  async function savePage(server: DepServerRow, page: DevicePage, summary: DepSyncSummary): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      for (const device of page.devices) {
        if (device.op_type === 'deleted') {
          const { numUpdatedRows } = await trx
            .updateTable('dep_devices')
            .set({ removed_at: sql`now()`, updated_at: sql`now()` })
            .where('serial_number', '=', device.serial_number)
            .where('removed_at', 'is', null)
            .executeTakeFirst();
          summary.removed += Number(numUpdatedRows);
          continue;
        }
        const values = {
          server_id: server.id,
          model: device.model ?? null,
          os: device.os ?? null,
          device_family: device.device_family ?? null,
          profile_uuid: device.profile_uuid ?? null,
          profile_status: device.profile_status ?? null,
        };
        const row = await trx
          .insertInto('dep_devices')
          .values({ serial_number: device.serial_number, ...values })
          .onConflict((oc) =>
            oc.column('serial_number').doUpdateSet({ ...values, removed_at: null, updated_at: sql`now()` }),
          )
          // xmax = 0 only for a row this statement inserted.
          .returning(sql<boolean>`xmax = 0`.as('inserted'))
          .executeTakeFirstOrThrow();
        if (row.inserted) summary.added++;
        else summary.modified++;
      }
      await trx.updateTable('dep_servers').set({ cursor: page.cursor }).where('id', '=', server.id).execute();
    });
  }

  async function syncServer(server: DepServerRow, summary: DepSyncSummary): Promise<void> {
    const token = openServerToken(deps.keyRing, server);
    if (!token) return;
    const client = createDepClient({ token, baseUrl: deps.dep.url });
    const limits = { maxPages: MAX_PAGES_PER_RUN };
    const pages = server.cursor
      ? client.syncDevices(server.cursor, limits)
      : client.fetchDevices(undefined, limits);
    for await (const page of pages) {
      summary.restarted ||= page.restarted;
      await savePage(server, page, summary);
    }
    const profileUuid = await ensureProfile(server, client);
    const unassigned = await deps.db
      .selectFrom('dep_devices')
      .select('serial_number')
      .where('server_id', '=', server.id)
      .where('removed_at', 'is', null)
      .where((eb) => eb.or([eb('profile_uuid', 'is', null), eb('profile_uuid', '!=', profileUuid)]))
      .execute();
    if (unassigned.length === 0) return;
    const outcomes = await client.assignProfile(
      profileUuid,
      unassigned.map((d) => d.serial_number),
    );
    const assigned = Object.entries(outcomes)
      .filter(([, outcome]) => outcome === 'SUCCESS')
      .map(([serial]) => serial);
    summary.assigned += assigned.length;
    if (assigned.length)
      await deps.db
        .updateTable('dep_devices')
        .set({ profile_uuid: profileUuid, profile_status: 'assigned', updated_at: sql`now()` })
        .where('serial_number', 'in', assigned)
        .execute();
  }

  return {
    async syncDepDevices(): Promise<DepSyncSummary> {
      const summary: DepSyncSummary = {
        servers: 0,
        added: 0,
        modified: 0,
        removed: 0,
        assigned: 0,
        restarted: false,
      };
      const servers = await deps.db
        .selectFrom('dep_servers')
        .selectAll()
        .where('sealed_token', 'is not', null)
        .execute();
      for (const server of servers) {
        try {
          await syncServer(server, summary);
          summary.servers++;
          await deps.db
            .updateTable('dep_servers')
            .set({ last_sync_at: sql`now()`, last_error: null })
            .where('id', '=', server.id)
            .execute();
        } catch (error) {
          if (!(error instanceof DepError)) throw error;
          await deps.db
            .updateTable('dep_servers')
            .set({ last_error: `${error.code}: ${error.message}` })
            .where('id', '=', server.id)
            .execute();
          const needsAdmin = NEEDS_ADMIN.includes(error.code);
          throw ApplicationFailure.create({
            message: error.message,
            type: needsAdmin ? 'DepNeedsAdmin' : 'DepUnavailable',
            nonRetryable: needsAdmin,
            cause: error,
          });
        }
      }
      return summary;
    },
  };
}

export type DepSyncActivities = ReturnType<typeof createDepSyncActivities>;
