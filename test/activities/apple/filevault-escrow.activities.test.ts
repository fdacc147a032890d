import { randomUUID, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFileVaultEscrowActivities } from '../../../activities/apple/filevault-escrow.activities.js';
import { createCaLoader } from '../../../activities/pki/ca-loader.js';
import { createVault } from '../../../activities/vault/vault.js';
import { encryptEnvelopedData } from '../../../core/cms/index.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { keyRingKms } from '../../../core/vault/key-ring-kms.js';
import { auditRows, insertDevice } from '../../admin/support.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestDatabase } from '../../support/test-context.js';

const database = useTestDatabase();
const keyRing = KeyRing.parse(KeyRing.generateSpec('k1'));
const kms = keyRingKms(keyRing);

describe('FileVault key escrow in the core', () => {
  const setup = async () => {
    const db = database.core.db;
    const ca = createCaLoader(db, keyRing, { organization: 'Keep', crlUrl: 'https://edge.example/pki/crl' });
    const { escrow } = await ca();
    const escrowCertificate = new X509Certificate(escrow.certificatePem).raw;
    const activities = createFileVaultEscrowActivities({ db, kms, ca });
    const deviceId = await insertDevice(db);
    /** The Mac's SecurityInfo answer, as the ingest stored it: the key CMS-encrypted to `certificate`. */
    const answer = async (key: string, certificate = escrowCertificate) => {
      const commandUuid = randomUUID();
      const cms = encryptEnvelopedData(Buffer.from(key), certificate).toString('base64');
      await db
        .insertInto('device_commands')
        .values({
          command_uuid: commandUuid,
          device_id: deviceId,
          request_type: 'SecurityInfo',
          status: 'acknowledged',
          requested_by: 'keep',
          result: JSON.stringify({ SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: cms } }),
        })
        .execute();
      return commandUuid;
    };
    return { db, activities, deviceId, answer, vault: createVault({ db, kms }) };
  };

  it('decrypts the reported key with the escrow key and vaults it once, however often the activity runs', async () => {
    const { db, activities, deviceId, answer, vault } = await setup();
    const commandUuid = await answer('ABCD-EFGH-JKLM-NPQR-STUV-WXYZ');
    // A second run is a retry after a worker died between decrypting and storing: still one version.
    for (let run = 0; run < 2; run++)
      expect(await activities.escrowFileVaultKey({ deviceId, commandUuid })).toEqual({
        escrowed: true,
        version: 1,
      });
    expect((await vault.readCurrent(deviceId, 'filevault-prk'))?.toString()).toBe(
      'ABCD-EFGH-JKLM-NPQR-STUV-WXYZ',
    );
    const escrowed = (await auditRows(db, 'filevault-key.escrowed')).filter((r) => r.target_id === deviceId);
    expect(escrowed).toHaveLength(1);
    expect(JSON.stringify(escrowed[0]!.details)).not.toContain('ABCD');
  });

  it('keeps a newly reported key as the current one and the old one superseded', async () => {
    const { db, activities, deviceId, answer } = await setup();
    await activities.escrowFileVaultKey({
      deviceId,
      commandUuid: await answer('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF'),
    });
    expect(
      await activities.escrowFileVaultKey({
        deviceId,
        commandUuid: await answer('GGGG-HHHH-JJJJ-KKKK-LLLL-MMMM'),
      }),
    ).toEqual({ escrowed: true, version: 2 });
    const rows = await db
      .selectFrom('vault_secrets')
      .select(['version', 'state'])
      .where('device_id', '=', deviceId)
      .orderBy('version')
      .execute();
    expect(rows).toEqual([
      { version: 1, state: 'superseded' },
      { version: 2, state: 'current' },
    ]);
  });

  it('refuses, and audits, a key encrypted to another certificate or one that is not a recovery key', async () => {
    const { db, activities, deviceId, answer, vault } = await setup();
    const foreign = createTestCa('Not Keep');
    const foreignDer = new X509Certificate(foreign.certPem).raw;
    expect(
      await activities.escrowFileVaultKey({
        deviceId,
        commandUuid: await answer('ABCD-EFGH-JKLM-NPQR-STUV-WXYZ', foreignDer),
      }),
    ).toEqual({ escrowed: false, reason: 'undecryptable' });
    expect(
      await activities.escrowFileVaultKey({ deviceId, commandUuid: await answer('not a recovery key') }),
    ).toEqual({ escrowed: false, reason: 'not-a-recovery-key' });
    expect(await vault.readCurrent(deviceId, 'filevault-prk')).toBeUndefined();
    const refused = (await auditRows(db, 'filevault-key.refused')).filter((r) => r.target_id === deviceId);
    expect(refused).toHaveLength(2);
  });
});
