// The bootstrap-token vault: a Mac's bootstrap token, escrowed in the core (sealed) and handed back to that
// Mac alone, each read audited before it happens.
// https://developer.apple.com/documentation/devicemanagement/get_bootstrap_token
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

const aad = (deviceId: string) => Buffer.from(`core.bootstrap_tokens:${deviceId}`);

export function createBootstrapTokenActivities(deps: { db: Kysely<CoreDatabase>; keyRing: KeyRing }) {
  const { db } = deps;
  return {
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

export type BootstrapTokenActivities = ReturnType<typeof createBootstrapTokenActivities>;
