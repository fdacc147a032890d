// Bootstrap-token escrow: a Mac's bootstrap token, escrowed in the core's vault and handed back to that
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
import type { Kms } from '../../core/vault/kms.js';
import { adoptLegacyBootstrapToken } from '../vault/legacy-bootstrap-tokens.js';
import { createVault } from '../vault/vault.js';
import { verifyDeviceRequest } from './device-signed-request.js';
import { appendAudit } from '../../core/audit/append-audit.js';

export function createBootstrapTokenActivities(deps: {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  kms: Kms;
}) {
  const { db } = deps;
  const sealing = coreSealingKey(deps.keyRing);
  const vault = createVault(deps);
  const legacy = { ...deps, vault };

  return {
    /** `sealedToken` is sealed by the edge to the core's sealing key; absent, the escrowed token is forgotten. */
    async escrowBootstrapToken({
      deviceId,
      sealedToken,
    }: {
      deviceId: string;
      sealedToken?: string;
    }): Promise<void> {
      if (sealedToken) {
        const token = sealing.open(sealedToken, bootstrapTokenContext(deviceId));
        await vault.store(deviceId, 'bootstrap-token', token);
      } else {
        await vault.supersede(deviceId, 'bootstrap-token');
      }
      // Whatever was escrowed before the vault is outdated now.
      await db.deleteFrom('bootstrap_tokens').where('device_id', '=', deviceId).execute();
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
      await appendAudit(db, `device:${deviceId}`, {
        action: 'bootstrap-token.read',
        targetKind: 'device',
        targetId: deviceId,
        details: { via: 'GetBootstrapToken', certificateSha256: fingerprint },
      });
      const token =
        (await vault.readCurrent(deviceId, 'bootstrap-token')) ??
        (await adoptLegacyBootstrapToken(legacy, deviceId));
      if (!token) return {};
      return { sealedToken: sealTo(replyTo, token, bootstrapTokenContext(deviceId)) };
    },
  };
}

export type BootstrapTokenActivities = ReturnType<typeof createBootstrapTokenActivities>;
