import { describe, expect, it } from 'vitest';
import { createBootstrapTokenActivities } from '../../../activities/apple/bootstrap-token.activities.js';
import { bootstrapTokenContext } from '../../../core/apple/bootstrap-token.js';
import { coreSealingKey } from '../../../core/crypto/core-sealing-key.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { sealTo } from '../../../core/crypto/sealed-box.js';
import { keyRingKms } from '../../../core/vault/key-ring-kms.js';
import { createVault } from '../../../activities/vault/vault.js';
import { createVaultIntegrityActivities } from '../../../activities/vault/vault-integrity.activities.js';
import { insertDevice } from '../../admin/support.js';
import { useTestDatabase } from '../../support/test-context.js';

const database = useTestDatabase();
const keyRing = KeyRing.parse(KeyRing.generateSpec('k1'));
const kms = keyRingKms(keyRing);

describe('bootstrap-token escrow in the vault', () => {
  it('stores an escrowed token in the vault, a new one as a new version, and forgets it when the Mac clears it', async () => {
    const db = database.core.db;
    const activities = createBootstrapTokenActivities({ db, keyRing, kms });
    const vault = createVault({ db, kms });
    const deviceId = await insertDevice(db);
    const escrow = (token: string) =>
      activities.escrowBootstrapToken({
        deviceId,
        sealedToken: sealTo(
          coreSealingKey(keyRing).recipient,
          Buffer.from(token),
          bootstrapTokenContext(deviceId),
        ),
      });
    await escrow('token-one');
    await escrow('token-two');
    expect((await vault.readCurrent(deviceId, 'bootstrap-token'))?.toString()).toBe('token-two');
    await activities.escrowBootstrapToken({ deviceId });
    expect(await vault.readCurrent(deviceId, 'bootstrap-token')).toBeUndefined();
  });

  it('moves a token escrowed before the vault into it at the integrity check, still readable', async () => {
    const db = database.core.db;
    const vault = createVault({ db, kms });
    const deviceId = await insertDevice(db);
    // A row as the pre-vault escrow wrote it: the key ring, AAD-bound to the table and device.
    await db
      .insertInto('bootstrap_tokens')
      .values({
        device_id: deviceId,
        sealed_token: keyRing.sealToString(
          Buffer.from('legacy-token'),
          Buffer.from(`core.bootstrap_tokens:${deviceId}`),
        ),
      })
      .execute();
    const integrity = createVaultIntegrityActivities({ db, keyRing, kms, supersededRetentionDays: 90 });
    const report = await integrity.checkVaultIntegrity();
    expect(report.legacyBootstrapTokensUnreadable).toEqual([]);
    expect((await vault.readCurrent(deviceId, 'bootstrap-token'))?.toString()).toBe('legacy-token');
    const left = await db
      .selectFrom('bootstrap_tokens')
      .select('device_id')
      .where('device_id', '=', deviceId)
      .execute();
    expect(left).toEqual([]);
  });
});
