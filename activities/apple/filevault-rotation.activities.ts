// Rotates a Mac's FileVault personal recovery key after it was revealed: the core builds RotateFileVaultKey with the
// current key (to unlock) and Keep's escrow certificate (the Mac encrypts the new key to it), seals the command to
// the edge's sealing key, records the proof an admin-only Update needs, and asks the device workflow to queue it.
// The Mac's answer comes back through the ingest and is escrowed like any reported key (filevault-escrow).
// https://developer.apple.com/documentation/devicemanagement/rotatefilevaultkeycommand
import { createHash, X509Certificate } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { payloadSha256 } from '../../core/device/admin-command-proof.js';
import { sealCommandPayload } from '../../core/device/sealed-command-payload.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { Kms } from '../../core/vault/kms.js';
import type { QueueCommandRequest, QueueCommandResult } from '../../workflows/device.messages.js';
import type { CaLoader } from '../pki/ca-loader.js';
import { createVault } from '../vault/vault.js';

/** The device workflow's Update that queues a command (`queueCommandUpdate` in workflows/device.messages.ts). */
const QUEUE_COMMAND_UPDATE = 'queueCommand';

/** Who asked, in device_commands and the admin-command proof: Keep itself, for this reveal. */
const requester = (requestId: string) => `keep:secret-reveal:${requestId}`;

/** One command per reveal, however often the activity is retried (the Update id is this UUID too). */
function rotationUuid(requestId: string): string {
  const hex = createHash('sha256').update(`rotate-filevault:${requestId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createFileVaultRotationActivities(deps: {
  db: Kysely<CoreDatabase>;
  kms: Kms;
  ca: CaLoader;
}) {
  const { db } = deps;
  const vault = createVault(deps);
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
      const current = await vault.readCurrent(row.device_id, 'filevault-prk');
      if (!current) throw ApplicationFailure.nonRetryable('no escrowed FileVault key', 'NothingToRotate');
      const { escrow } = await deps.ca();
      const commandUuid = rotationUuid(requestId);
      const command = buildCommand(
        {
          requestType: 'RotateFileVaultKey',
          keyType: 'personal',
          fileVaultUnlock: { password: current.toString('utf8') },
          replyEncryptionCertificate: new X509Certificate(escrow.certificatePem).raw,
        },
        commandUuid,
      );
      const request: QueueCommandRequest = {
        commandUuid,
        requestType: 'RotateFileVaultKey',
        payload: sealCommandPayload(edgeRecipient, serializeCommand(command), commandUuid),
        requestedBy: requester(requestId),
      };
      await db
        .insertInto('admin_command_requests')
        .values({
          command_uuid: commandUuid,
          device_id: row.device_id,
          request_type: request.requestType,
          payload_sha256: payloadSha256(request.payload),
          requested_by: request.requestedBy,
        })
        // A retry seals again (a new ciphertext): the proof follows the payload that is sent.
        .onConflict((oc) =>
          oc.column('command_uuid').doUpdateSet({ payload_sha256: payloadSha256(request.payload) }),
        )
        .execute();
      await Context.current()
        .client.workflow.getHandle(workflowIds.device(row.device_id))
        .executeUpdate<QueueCommandResult, [QueueCommandRequest]>(QUEUE_COMMAND_UPDATE, {
          args: [request],
          updateId: commandUuid,
        });
      return { commandUuid };
    },
  };
}

export type FileVaultRotationActivities = ReturnType<typeof createFileVaultRotationActivities>;
