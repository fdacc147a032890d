// The vault's store: writes a new version of a device secret (superseding the current one), reads the current
// one, and checks that every stored version still opens. Plaintext exists only inside these calls.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Kms } from '../../core/vault/kms.js';
import {
  openVaultSecret,
  sealVaultSecret,
  type VaultSecretAddress,
  type VaultSecretKind,
} from '../../core/vault/vault-envelope.js';

export interface VaultIntegrityFailure {
  secretId: string;
  deviceId: string;
  kind: string;
  version: number;
  reason: string;
}

export interface VaultIntegrityReport {
  checked: number;
  failed: VaultIntegrityFailure[];
  purged: number;
}

const PAGE = 500;

/** A rotation of this secret is already waiting for the device: retry once it is answered. */
export class VaultRotationBusyError extends Error {
  override name = 'VaultRotationBusyError';
}

export function createVault(deps: { db: Kysely<CoreDatabase>; kms: Kms }) {
  const { db, kms } = deps;
  const addressOf = (row: { device_id: string; kind: string; version: number }): VaultSecretAddress => ({
    deviceId: row.device_id,
    kind: row.kind as VaultSecretKind,
    version: row.version,
  });

  async function readCurrent(deviceId: string, kind: VaultSecretKind): Promise<Buffer | undefined> {
    const row = await db
      .selectFrom('vault_secrets')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('kind', '=', kind)
      .where('state', '=', 'current')
      .executeTakeFirst();
    if (!row) return undefined;
    return openVaultSecret(kms, addressOf(row), {
      kekId: row.kek_id,
      wrappedKey: row.wrapped_key,
      ciphertext: row.ciphertext,
    });
  }

  return {
    readCurrent,

    /**
     * Stores `secret` as the device's current `kind`, superseding the one before. Storing the value that is
     * already current does nothing, so a retried activity (a worker killed after the write) adds no version.
     */
    async store(
      deviceId: string,
      kind: VaultSecretKind,
      secret: Uint8Array,
    ): Promise<{ version: number; added: boolean }> {
      return db.transaction().execute(async (trx) => {
        // Locks the device row: two escrows of one device's secrets write one after the other.
        await trx.selectFrom('devices').select('id').where('id', '=', deviceId).forUpdate().execute();
        const current = await trx
          .selectFrom('vault_secrets')
          .selectAll()
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .orderBy('version', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (current?.state === 'current') {
          const stored = await openVaultSecret(kms, addressOf(current), {
            kekId: current.kek_id,
            wrappedKey: current.wrapped_key,
            ciphertext: current.ciphertext,
          }).catch(() => undefined);
          if (stored?.equals(Buffer.from(secret))) return { version: current.version, added: false };
        }
        const version = (current?.version ?? 0) + 1;
        const sealed = await sealVaultSecret(kms, { deviceId, kind, version }, secret);
        await trx
          .updateTable('vault_secrets')
          .set({ state: 'superseded', superseded_at: new Date() })
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .where('state', '=', 'current')
          .execute();
        await trx
          .insertInto('vault_secrets')
          .values({
            device_id: deviceId,
            kind,
            version,
            state: 'current',
            kek_id: sealed.kekId,
            wrapped_key: sealed.wrappedKey,
            ciphertext: sealed.ciphertext,
          })
          .execute();
        return { version, added: true };
      });
    },

    /**
     * Writes the secret a rotation is about to set on the device as a `pending` version (not yet readable as
     * current). A retried rotation gets its first version back, so the command it resends carries the same secret.
     */
    async storePending(
      deviceId: string,
      kind: VaultSecretKind,
      rotationId: string,
      secret: Uint8Array,
    ): Promise<{ version: number; secret: Buffer }> {
      return db.transaction().execute(async (trx) => {
        await trx.selectFrom('devices').select('id').where('id', '=', deviceId).forUpdate().execute();
        const rows = await trx
          .selectFrom('vault_secrets')
          .selectAll()
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .orderBy('version', 'desc')
          .execute();
        const mine = rows.find((r) => r.rotation_id === rotationId);
        // One rotation at a time per secret: the device's answers then confirm versions in the order they were sent.
        if (!mine && rows.some((r) => r.state === 'pending'))
          throw new VaultRotationBusyError(`another ${kind} rotation is waiting for the device's answer`);
        if (mine)
          return {
            version: mine.version,
            secret: await openVaultSecret(kms, addressOf(mine), {
              kekId: mine.kek_id,
              wrappedKey: mine.wrapped_key,
              ciphertext: mine.ciphertext,
            }),
          };
        const version = (rows[0]?.version ?? 0) + 1;
        const sealed = await sealVaultSecret(kms, { deviceId, kind, version }, secret);
        await trx
          .insertInto('vault_secrets')
          .values({
            device_id: deviceId,
            kind,
            version,
            state: 'pending',
            rotation_id: rotationId,
            kek_id: sealed.kekId,
            wrapped_key: sealed.wrappedKey,
            ciphertext: sealed.ciphertext,
          })
          .execute();
        return { version, secret: Buffer.from(secret) };
      });
    },

    /** The secret a rotation vaulted as pending (for the command that checks it). */
    async readRotation(
      deviceId: string,
      kind: VaultSecretKind,
      rotationId: string,
    ): Promise<Buffer | undefined> {
      const row = await db
        .selectFrom('vault_secrets')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('kind', '=', kind)
        .where('rotation_id', '=', rotationId)
        .executeTakeFirst();
      if (!row) return undefined;
      return openVaultSecret(kms, addressOf(row), {
        kekId: row.kek_id,
        wrappedKey: row.wrapped_key,
        ciphertext: row.ciphertext,
      });
    },

    /** The device acknowledged the rotation: its version becomes current, the one before superseded and unflagged. */
    async confirmRotation(deviceId: string, kind: VaultSecretKind, rotationId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('devices').select('id').where('id', '=', deviceId).forUpdate().execute();
        const pending = await trx
          .selectFrom('vault_secrets')
          .select('state')
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .where('rotation_id', '=', rotationId)
          .executeTakeFirst();
        if (pending?.state !== 'pending') return;
        await trx
          .updateTable('vault_secrets')
          .set({ state: 'superseded', superseded_at: new Date() })
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .where('state', '=', 'current')
          .execute();
        await trx
          .updateTable('vault_secrets')
          .set({ state: 'current' })
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .where('rotation_id', '=', rotationId)
          .execute();
      });
    },

    /**
     * The device refused the rotation: the secret it still has stays current and is flagged with the refusal; the
     * pending version (if Keep generated one) is marked failed and kept for the retention period.
     */
    async failRotation(
      deviceId: string,
      kind: VaultSecretKind,
      rotationId: string,
      error: string,
    ): Promise<void> {
      const now = new Date();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('vault_secrets')
          .set({ state: 'failed', superseded_at: now })
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .where('rotation_id', '=', rotationId)
          .where('state', '=', 'pending')
          .execute();
        await trx
          .updateTable('vault_secrets')
          .set({ rotation_failed_at: now, rotation_error: error })
          .where('device_id', '=', deviceId)
          .where('kind', '=', kind)
          .where('state', '=', 'current')
          .execute();
      });
    },

    /** The device no longer has this secret: the current version is kept, superseded, for the retention period. */
    async supersede(deviceId: string, kind: VaultSecretKind): Promise<void> {
      await db
        .updateTable('vault_secrets')
        .set({ state: 'superseded', superseded_at: new Date() })
        .where('device_id', '=', deviceId)
        .where('kind', '=', kind)
        .where('state', '=', 'current')
        .execute();
    },

    /**
     * Opens every stored version (a page at a time), records on each row whether it opened, and deletes superseded
     * versions older than `retentionDays`. The report names failures by row, never by content.
     */
    async checkIntegrity({
      retentionDays,
      now = new Date(),
    }: {
      retentionDays: number;
      now?: Date;
    }): Promise<VaultIntegrityReport> {
      const { numDeletedRows } = await db
        .deleteFrom('vault_secrets')
        .where('state', 'in', ['superseded', 'failed'])
        .where('superseded_at', '<', new Date(now.getTime() - retentionDays * 86_400_000))
        .executeTakeFirst();
      const failed: VaultIntegrityFailure[] = [];
      let checked = 0;
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = await db
          .selectFrom('vault_secrets')
          .selectAll()
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        for (const row of rows) {
          const reason = await openVaultSecret(kms, addressOf(row), {
            kekId: row.kek_id,
            wrappedKey: row.wrapped_key,
            ciphertext: row.ciphertext,
          }).then(
            (plaintext) => {
              plaintext.fill(0);
              return null;
            },
            (error: unknown) => (error instanceof Error ? error.message : String(error)),
          );
          await db
            .updateTable('vault_secrets')
            .set({ checked_at: now, check_error: reason })
            .where('id', '=', row.id)
            .execute();
          if (reason)
            failed.push({
              secretId: row.id,
              deviceId: row.device_id,
              kind: row.kind,
              version: row.version,
              reason,
            });
        }
        checked += rows.length;
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
      return { checked, failed, purged: Number(numDeletedRows) };
    },
  };
}

export type Vault = ReturnType<typeof createVault>;
