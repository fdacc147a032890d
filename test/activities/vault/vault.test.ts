import { describe, expect, it } from 'vitest';
import { createVault, VaultRotationBusyError } from '../../../activities/vault/vault.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { keyRingKms } from '../../../core/vault/key-ring-kms.js';
import { VaultSecretError } from '../../../core/vault/vault-envelope.js';
import { insertDevice } from '../../admin/support.js';
import { useTestDatabase } from '../../support/test-context.js';

const database = useTestDatabase();
const kms = keyRingKms(KeyRing.parse(KeyRing.generateSpec('k1')));

describe('vault', () => {
  it('keeps each new secret as a new version and the one before superseded; the same value adds none', async () => {
    const db = database.core.db;
    const vault = createVault({ db, kms });
    const deviceId = await insertDevice(db);
    expect(await vault.store(deviceId, 'filevault-prk', Buffer.from('first-key'))).toEqual({
      version: 1,
      added: true,
    });
    expect(await vault.store(deviceId, 'filevault-prk', Buffer.from('first-key'))).toEqual({
      version: 1,
      added: false,
    });
    expect(await vault.store(deviceId, 'filevault-prk', Buffer.from('second-key'))).toEqual({
      version: 2,
      added: true,
    });
    expect((await vault.readCurrent(deviceId, 'filevault-prk'))?.toString()).toBe('second-key');
    expect(await vault.readCurrent(deviceId, 'bootstrap-token')).toBeUndefined();
    const rows = await db
      .selectFrom('vault_secrets')
      .select(['version', 'state', 'ciphertext'])
      .where('device_id', '=', deviceId)
      .orderBy('version')
      .execute();
    expect(rows.map((r) => [r.version, r.state])).toEqual([
      [1, 'superseded'],
      [2, 'current'],
    ]);
    expect(rows.some((r) => r.ciphertext.includes(Buffer.from('second-key')))).toBe(false);
    await vault.supersede(deviceId, 'filevault-prk');
    expect(await vault.readCurrent(deviceId, 'filevault-prk')).toBeUndefined();
  });

  it('keeps a rotation pending until the device acknowledges it, one rotation at a time', async () => {
    const db = database.core.db;
    const vault = createVault({ db, kms });
    const deviceId = await insertDevice(db);
    const first = await vault.storePending(deviceId, 'recovery-lock', 'r1', Buffer.from('first-password'));
    expect(first).toEqual({ version: 1, secret: Buffer.from('first-password') });
    // A retried activity gets its own version back, not a second one.
    expect(await vault.storePending(deviceId, 'recovery-lock', 'r1', Buffer.from('other'))).toEqual(first);
    expect(await vault.readCurrent(deviceId, 'recovery-lock')).toBeUndefined();
    await expect(
      vault.storePending(deviceId, 'recovery-lock', 'r2', Buffer.from('second-password')),
    ).rejects.toThrow(VaultRotationBusyError);
    await vault.confirmRotation(deviceId, 'recovery-lock', 'r1');
    expect((await vault.readCurrent(deviceId, 'recovery-lock'))?.toString()).toBe('first-password');
  });

  it('a refused rotation keeps the version before current and flags it; the next success clears the flag', async () => {
    const db = database.core.db;
    const vault = createVault({ db, kms });
    const deviceId = await insertDevice(db);
    const rows = () =>
      db
        .selectFrom('vault_secrets')
        .select(['version', 'state', 'rotation_error'])
        .where('device_id', '=', deviceId)
        .orderBy('version')
        .execute();
    await vault.storePending(deviceId, 'recovery-lock', 'r1', Buffer.from('works'));
    await vault.confirmRotation(deviceId, 'recovery-lock', 'r1');
    await vault.storePending(deviceId, 'recovery-lock', 'r2', Buffer.from('refused'));
    await vault.failRotation(deviceId, 'recovery-lock', 'r2', 'the device answered Error');
    expect((await vault.readCurrent(deviceId, 'recovery-lock'))?.toString()).toBe('works');
    expect(await rows()).toEqual([
      { version: 1, state: 'current', rotation_error: 'the device answered Error' },
      { version: 2, state: 'failed', rotation_error: null },
    ]);
    await vault.storePending(deviceId, 'recovery-lock', 'r3', Buffer.from('accepted'));
    await vault.confirmRotation(deviceId, 'recovery-lock', 'r3');
    expect(await rows()).toEqual([
      { version: 1, state: 'superseded', rotation_error: 'the device answered Error' },
      { version: 2, state: 'failed', rotation_error: null },
      { version: 3, state: 'current', rotation_error: null },
    ]);
    // Failed versions go with superseded ones once past retention.
    const report = await vault.checkIntegrity({ retentionDays: 0, now: new Date(Date.now() + 1000) });
    expect(report.purged).toBeGreaterThanOrEqual(2);
    expect((await rows()).map((r) => r.state)).toEqual(['current']);
  });

  it('refuses a row moved onto another device (its AAD names the device)', async () => {
    const db = database.core.db;
    const vault = createVault({ db, kms });
    const [owner, other] = [await insertDevice(db), await insertDevice(db)];
    await vault.store(owner, 'bootstrap-token', Buffer.from('token-of-owner'));
    await db.updateTable('vault_secrets').set({ device_id: other }).where('device_id', '=', owner).execute();
    await expect(vault.readCurrent(other, 'bootstrap-token')).rejects.toThrow(VaultSecretError);
  });

  it('integrity check flags a corrupted row by id, clears the sound ones and purges superseded past retention', async () => {
    const db = database.core.db;
    const vault = createVault({ db, kms });
    const [sound, corrupted, old] = [await insertDevice(db), await insertDevice(db), await insertDevice(db)];
    await vault.store(sound, 'filevault-prk', Buffer.from('sound-key'));
    await vault.store(corrupted, 'filevault-prk', Buffer.from('corrupted-key'));
    await vault.store(old, 'filevault-prk', Buffer.from('old-key'));
    await vault.store(old, 'filevault-prk', Buffer.from('new-key'));
    const row = await db
      .selectFrom('vault_secrets')
      .select(['id', 'ciphertext'])
      .where('device_id', '=', corrupted)
      .executeTakeFirstOrThrow();
    const ciphertext = Buffer.from(row.ciphertext);
    ciphertext[ciphertext.length - 1]! ^= 0xff;
    await db.updateTable('vault_secrets').set({ ciphertext }).where('id', '=', row.id).execute();
    await db
      .updateTable('vault_secrets')
      .set({ superseded_at: new Date(Date.now() - 3 * 86_400_000) })
      .where('device_id', '=', old)
      .where('state', '=', 'superseded')
      .execute();

    const report = await vault.checkIntegrity({ retentionDays: 2 });
    const failure = report.failed.find((f) => f.deviceId === corrupted);
    expect(failure).toMatchObject({ secretId: row.id, kind: 'filevault-prk', version: 1 });
    expect(failure?.reason).toMatch(/failed authentication/);
    expect(report.failed.map((f) => f.deviceId)).not.toContain(sound);
    expect(report.purged).toBeGreaterThanOrEqual(1);
    const stored = await db
      .selectFrom('vault_secrets')
      .select(['device_id', 'version', 'checked_at', 'check_error'])
      .where('device_id', 'in', [sound, corrupted, old])
      .execute();
    expect(stored.find((s) => s.device_id === corrupted)?.check_error).toMatch(/failed authentication/);
    expect(stored.find((s) => s.device_id === sound)).toMatchObject({ check_error: null });
    expect(stored.find((s) => s.device_id === sound)?.checked_at).toBeInstanceOf(Date);
    expect(stored.filter((s) => s.device_id === old).map((s) => s.version)).toEqual([2]);
  });
});
