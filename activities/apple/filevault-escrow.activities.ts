// FileVault key escrow in the core: a Mac's SecurityInfo (or RotateFileVaultKey) answer carries its personal
// recovery key encrypted to Keep's escrow certificate; this reads that answer from the core's copy of the command,
// decrypts it with the escrow key (which never leaves the core), checks it is a recovery key, and vaults it.
// The workflow hands over ids only, so no history ever holds the key or even its ciphertext.
import { X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fileVaultKeyCms, isPersonalRecoveryKey } from '../../core/apple/filevault-recovery-key.js';
import { decryptEnvelopedData } from '../../core/cms/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Kms } from '../../core/vault/kms.js';
import type { CaLoader } from '../pki/ca-loader.js';
import { createVault } from '../vault/vault.js';
import { appendAudit } from '../../core/audit/append-audit.js';

export type FileVaultEscrowResult =
  | { escrowed: true; version: number }
  | { escrowed: false; reason: 'no-key' | 'undecryptable' | 'not-a-recovery-key' };

export function createFileVaultEscrowActivities(deps: { db: Kysely<CoreDatabase>; kms: Kms; ca: CaLoader }) {
  const { db } = deps;
  const vault = createVault(deps);

  const audit = (deviceId: string, action: string, details: Record<string, unknown>) =>
    appendAudit(db, `device:${deviceId}`, { action, targetKind: 'device', targetId: deviceId, details });

  return {
    /**
     * Idempotent: the vault adds no version for the key that is already current, so a retry after a worker died
     * between decrypting and storing stores it once. A key that does not decrypt or check is refused and audited.
     */
    async escrowFileVaultKey({
      deviceId,
      commandUuid,
    }: {
      deviceId: string;
      commandUuid: string;
    }): Promise<FileVaultEscrowResult> {
      const row = await db
        .selectFrom('device_commands')
        .select(['result', 'request_type'])
        .where('command_uuid', '=', commandUuid)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      const cms = fileVaultKeyCms(row?.result);
      if (!cms) return { escrowed: false, reason: 'no-key' };
      const { escrow } = await deps.ca();
      let key: string;
      try {
        const { content } = decryptEnvelopedData(cms, {
          certificate: new X509Certificate(escrow.certificatePem).raw,
          key: escrow.privateKey,
        });
        key = content.toString('utf8');
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : 'unreadable';
        await audit(deviceId, 'filevault-key.refused', { commandUuid, reason });
        return { escrowed: false, reason: 'undecryptable' };
      }
      if (!isPersonalRecoveryKey(key)) {
        await audit(deviceId, 'filevault-key.refused', {
          commandUuid,
          reason: 'not a personal recovery key',
        });
        return { escrowed: false, reason: 'not-a-recovery-key' };
      }
      const { version, added } = await vault.store(deviceId, 'filevault-prk', Buffer.from(key, 'utf8'));
      if (added)
        await audit(deviceId, 'filevault-key.escrowed', {
          commandUuid,
          requestType: row!.request_type,
          version,
        });
      return { escrowed: true, version };
    },
  };
}

export type FileVaultEscrowActivities = ReturnType<typeof createFileVaultEscrowActivities>;
