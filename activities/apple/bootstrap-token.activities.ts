// The bootstrap-token vault: a Mac's bootstrap token, escrowed in the core (sealed) and handed back to that
// Mac alone. The edge relays it sealed both ways: to the core's sealing key on escrow, to a key of the edge's
// request on release. A release needs the device's own signature and is audited with its fingerprint first.
// https://developer.apple.com/documentation/devicemanagement/get_bootstrap_token
import type { Kysely } from 'kysely';
import { coreSealingKey } from '../../core/crypto/core-sealing-key.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import { sealTo, type BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { bootstrapTokenContext } from '../../core/apple/bootstrap-token.js';
import type { SignedDeviceRequest } from '../../core/device/signed-device-request.js';
import { verifyDeviceRequest } from './device-signed-request.js';

const aad = (deviceId: string) => Buffer.from(`core.bootstrap_tokens:${deviceId}`);

export function createBootstrapTokenActivities(deps: { db: Kysely<CoreDatabase>; keyRing: KeyRing }) {
  const { db } = deps;
  const sealing = coreSealingKey(deps.keyRing);
  return {
    /** `sealedToken` is sealed by the edge to the core's sealing key; absent, the escrowed token is forgotten. */
    async escrowBootstrapToken({
      deviceId,
      sealedToken,
    }: {
      deviceId: string;
      sealedToken?: string;
    }): Promise<void> {
      if (!sealedToken) {
        await db.deleteFrom('bootstrap_tokens').where('device_id', '=', deviceId).execute();
        return;
      }
      const token = sealing.open(sealedToken, bootstrapTokenContext(deviceId));
      const sealed = deps.keyRing.sealToString(token, aad(deviceId));
      await db
        .insertInto('bootstrap_tokens')
        .values({ device_id: deviceId, sealed_token: sealed })
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet({ sealed_token: sealed, created_at: new Date() }),
        )
        .execute();
    },

    /**
     * The device asks for its own escrowed token back: only with its GetBootstrapToken signed by the identity bound
     * to its enrollment; the read is audited (with that fingerprint) before it happens; the answer is sealed to
     * `replyTo`, a key the edge holds in memory for this one request, so the history never holds the token.
     */
    async readBootstrapToken({
      deviceId,
      replyTo,
      signed,
    }: {
      deviceId: string;
      replyTo: BoxRecipient;
      signed: SignedDeviceRequest;
    }): Promise<{ sealedToken?: string }> {
      const fingerprint = await verifyDeviceRequest(db, deviceId, 'GetBootstrapToken', signed);
      await db
        .insertInto('audit_log')
        .values({
          actor: `device:${deviceId}`,
          action: 'bootstrap-token.read',
          target_kind: 'device',
          target_id: deviceId,
          details: JSON.stringify({ via: 'GetBootstrapToken', certificateSha256: fingerprint }),
        })
        .execute();
      const row = await db
        .selectFrom('bootstrap_tokens')
        .select('sealed_token')
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      if (!row) return {};
      const token = deps.keyRing.openString(row.sealed_token, aad(deviceId));
      return { sealedToken: sealTo(replyTo, token, bootstrapTokenContext(deviceId)) };
    },
  };
}

export type BootstrapTokenActivities = ReturnType<typeof createBootstrapTokenActivities>;
