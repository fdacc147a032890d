// Rotates a Mac's FileVault personal recovery key after it was revealed: the core builds RotateFileVaultKey with the
// current key (to unlock) and Keep's escrow certificate (the Mac encrypts the new key to it), and queues it sealed
// to the edge (queue-keep-command). The Mac's answer comes back through the ingest and is escrowed like any
// reported key (filevault-escrow). Reveals started before secretRotationWorkflow existed rotate through here.
// https://developer.apple.com/documentation/devicemanagement/rotatefilevaultkeycommand
import { X509Certificate } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { buildCommand } from '../../core/apple/commands/index.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Kms } from '../../core/vault/kms.js';
import { queueKeepCommand, stableCommandUuid } from '../device/queue-keep-command.js';
import type { CaLoader } from '../pki/ca-loader.js';
import { createVault } from '../vault/vault.js';

/** Who asked, in device_commands and the admin-command proof: Keep itself, for this reveal. */
const requester = (requestId: string) => `keep:secret-reveal:${requestId}`;

/** RotateFileVaultKey for the Mac's current escrowed key; undefined when none is escrowed. */
export async function buildFileVaultRotation(
  deps: { db: Kysely<CoreDatabase>; kms: Kms; ca: CaLoader },
  deviceId: string,
  commandUuid: string,
) {
  const current = await createVault(deps).readCurrent(deviceId, 'filevault-prk');
  if (!current) return undefined;
  const { escrow } = await deps.ca();
  return buildCommand(
    {
      requestType: 'RotateFileVaultKey',
      keyType: 'personal',
      fileVaultUnlock: { password: current.toString('utf8') },
      replyEncryptionCertificate: new X509Certificate(escrow.certificatePem).raw,
    },
    commandUuid,
  );
}

export function createFileVaultRotationActivities(deps: {
  db: Kysely<CoreDatabase>;
  kms: Kms;
  ca: CaLoader;
}) {
  const { db } = deps;
  return {
    async rotateRevealedFileVaultKey({
      requestId,
      edgeRecipient,
    }: {
      requestId: string;
      edgeRecipient: BoxRecipient;
    }): Promise<{ commandUuid: string }> {
      const row = await db
        .selectFrom('secret_reveal_requests')
        .select(['device_id', 'kind', 'revealed_at'])
        .where('id', '=', requestId)
        .executeTakeFirst();
      if (!row?.revealed_at || row.kind !== 'filevault-prk')
        throw ApplicationFailure.nonRetryable(
          'no revealed FileVault key for this request',
          'NothingToRotate',
        );
      const commandUuid = stableCommandUuid(`rotate-filevault:${requestId}`);
      const plist = await buildFileVaultRotation(deps, row.device_id, commandUuid);
      if (!plist) throw ApplicationFailure.nonRetryable('no escrowed FileVault key', 'NothingToRotate');
      await queueKeepCommand(db, {
        deviceId: row.device_id,
        plist,
        commandUuid,
        requestType: 'RotateFileVaultKey',
        requestedBy: requester(requestId),
        edgeRecipient,
      });
      return { commandUuid };
    },
  };
}

export type FileVaultRotationActivities = ReturnType<typeof createFileVaultRotationActivities>;
