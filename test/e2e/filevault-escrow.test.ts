// A simulated Mac with FileVault on, through the real edge (HTTPS on loopback), Postgres, Temporal and the core:
// the disk-encryption policy installs FileVault with escrow to Keep's certificate, the Mac's SecurityInfo answer
// carries its recovery key encrypted to it, and the core decrypts it into the vault. The plaintext key is then
// searched for in the edge database, the edge's log and every decoded Temporal payload, each search with a
// positive control that proves it looks where the data is.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createVault } from '../../activities/vault/vault.js';
import { coreSealingKey } from '../../core/crypto/core-sealing-key.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { ringSealingKey } from '../../core/crypto/ring-sealing-key.js';
import { commandResultContext } from '../../core/device/sealed-command-result.js';
import { createLogger } from '../../core/log/logger.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { decodedHistoryText, edgeDatabaseText } from '../support/secret-search.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

describe('FileVault key escrow from a simulated Mac', { timeout: 300_000 }, () => {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const { planes, api, enroll } = useAppleE2e({
    waitMs: WAIT_MS,
    log: createLogger('edge', 'debug', sink),
    // A refused rotation is retried a second later (then two, four…).
    // A FileVault key older than 30 days is rotated by the sweep.
    coreEnv: { KEEP_VAULT_ROTATION_RETRY_SECONDS: '1', KEEP_VAULT_FILE_VAULT_ROTATION_DAYS: '30' },
  });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  let deviceId: string;
  let recoveryKey: string;
  let newRecoveryKey: string;
  let retriedRecoveryKey: string;
  let scheduledRecoveryKey: string;

  it('escrows the recovery key the Mac encrypted to the escrow certificate its policy installed', async () => {
    deviceId = await enroll(mac);
    const policy = await api('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'filevault',
      settings: { diskEncryption: { required: true } },
    });
    expect(policy.status).toBe(201);
    const policyId = policy.body.policyId as string;
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { platforms: ['macOS'] })).status).toBe(
      201,
    );
    await eventually(async () => (mac.state.fileVault.enabled ? true : undefined), WAIT_MS);
    recoveryKey = mac.state.fileVault.personalRecoveryKey!;
    const sent = await api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'SecurityInfo' });
    expect(sent.status).toBe(202);

    const vault = createVault({
      db: planes.database.core.db,
      kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)),
    });
    const escrowed = await eventually(async () => vault.readCurrent(deviceId, 'filevault-prk'), WAIT_MS);
    expect(escrowed.toString()).toBe(recoveryKey);
    // The audit entry (which names the version) is written just after the key is stored.
    await eventually(
      async () =>
        planes.database.core.db
          .selectFrom('audit_log')
          .select('action')
          .where('target_id', '=', deviceId)
          .where('action', '=', 'filevault-key.escrowed')
          .executeTakeFirst(),
      WAIT_MS,
    );
  });

  it('reveals the key once to the admin who asked, then rotates it on the Mac and escrows the new one', async () => {
    const asked = await api('POST', `/v1/devices/${deviceId}/secrets/filevault-prk/reveal-requests`, {
      reason: 'user forgot the password',
    });
    expect(asked.status).toBe(201);
    const shown = await api('POST', `/v1/secret-reveal-requests/${asked.body.id as string}/reveal`);
    expect(shown.status).toBe(200);
    expect(shown.body.secret).toBe(recoveryKey);

    const vault = createVault({
      db: planes.database.core.db,
      kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)),
    });
    const rotated = await eventually(async () => {
      const key = (await vault.readCurrent(deviceId, 'filevault-prk'))?.toString();
      return key && key !== recoveryKey ? key : undefined;
    }, WAIT_MS);
    newRecoveryKey = mac.state.fileVault.personalRecoveryKey!;
    expect(newRecoveryKey).not.toBe(recoveryKey);
    expect(rotated).toBe(newRecoveryKey);
    const versions = await planes.database.core.db
      .selectFrom('vault_secrets')
      .select(['version', 'state'])
      .where('device_id', '=', deviceId)
      .where('kind', '=', 'filevault-prk')
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { version: 1, state: 'superseded' },
      { version: 2, state: 'current' },
    ]);
  });

  it('keeps the escrowed key current and flagged when the Mac refuses its rotation, and retries it', async () => {
    mac.state.refusing = new Set(['RotateFileVaultKey']);
    const asked = await api('POST', `/v1/devices/${deviceId}/secrets/filevault-prk/reveal-requests`, {
      reason: 'second look',
    });
    expect(asked.status).toBe(201);
    const shown = await api('POST', `/v1/secret-reveal-requests/${asked.body.id as string}/reveal`);
    expect(shown.body.secret).toBe(newRecoveryKey);

    const fileVaultRow = async () => {
      const listed = await api('GET', `/v1/devices/${deviceId}/secrets`);
      return (listed.body.items as Record<string, unknown>[]).find((i) => i.kind === 'filevault-prk')!;
    };
    const flagged = await eventually(async () => {
      const row = await fileVaultRow();
      return row.rotationError ? row : undefined;
    }, WAIT_MS);
    expect(flagged).toMatchObject({ version: 2, valid: true });
    expect(flagged.rotationError).toBe('the device answered Error');
    const vault = createVault({
      db: planes.database.core.db,
      kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)),
    });
    expect((await vault.readCurrent(deviceId, 'filevault-prk'))?.toString()).toBe(newRecoveryKey);
    expect(mac.state.fileVault.personalRecoveryKey).toBe(newRecoveryKey);

    // The Mac accepts again: the retry rotates the key and the flag goes.
    mac.state.refusing = undefined;
    retriedRecoveryKey = await eventually(async () => {
      const key = (await vault.readCurrent(deviceId, 'filevault-prk'))?.toString();
      return key && key !== newRecoveryKey ? key : undefined;
    }, WAIT_MS);
    expect(retriedRecoveryKey).toBe(mac.state.fileVault.personalRecoveryKey);
    expect(await fileVaultRow()).toMatchObject({ version: 3, rotationError: null, rotationFailedAt: null });
  });

  it('rotates a key older than vault.fileVaultRotationDays on the hourly sweep and escrows the new one', async () => {
    const db = planes.database.core.db;
    const vault = createVault({ db, kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)) });
    // Thirty-one days pass for the current key.
    await db
      .updateTable('vault_secrets')
      .set({ created_at: new Date(Date.now() - 31 * 86_400_000) })
      .where('device_id', '=', deviceId)
      .where('kind', '=', 'filevault-prk')
      .where('state', '=', 'current')
      .execute();
    await planes.temporal.schedule
      .getHandle(workflowIds.secretRotationSweep(planes.coreConfig.core.taskQueue))
      .trigger();
    scheduledRecoveryKey = await eventually(async () => {
      const key = (await vault.readCurrent(deviceId, 'filevault-prk'))?.toString();
      return key && key !== retriedRecoveryKey ? key : undefined;
    }, WAIT_MS);
    expect(scheduledRecoveryKey).toBe(mac.state.fileVault.personalRecoveryKey);
    const rotations = await db
      .selectFrom('device_commands')
      .select('requested_by')
      .where('device_id', '=', deviceId)
      .where('request_type', '=', 'RotateFileVaultKey')
      .execute();
    expect(rotations.map((r) => r.requested_by)).toContain(
      `keep:secret-rotation:secret-rotation-schedule-filevault-prk-${deviceId}-v3:1`,
    );
    // One scheduled rotation, of the key that was due (the versions before it were rotated after their reveals).
    expect(rotations.filter((r) => r.requested_by.includes('schedule-filevault-prk'))).toHaveLength(1);
  });

  it('leaves the plaintext key nowhere in the edge database', async () => {
    const { tables, text: dump } = await edgeDatabaseText(planes);
    expect(tables).toContain('command_results');
    // Positive controls: the device's serial (in the outbox) and the rows of the answers that carried the keys
    // (their bodies were dropped once relayed) are where the search looks.
    expect(dump).toContain(mac.state.serialNumber);
    const answers = await planes.database.core.db
      .selectFrom('device_commands')
      .select('command_uuid')
      .where('device_id', '=', deviceId)
      .where('request_type', 'in', ['SecurityInfo', 'RotateFileVaultKey'])
      .execute();
    expect(answers.length).toBeGreaterThan(0);
    for (const { command_uuid } of answers) expect(dump).toContain(command_uuid);
    for (const key of [recoveryKey, newRecoveryKey, retriedRecoveryKey, scheduledRecoveryKey])
      for (const form of [key, Buffer.from(key).toString('hex'), Buffer.from(key).toString('base64')])
        expect(dump.includes(form), form).toBe(false);
  });

  it("leaves the plaintext key nowhere in the edge's log", async () => {
    // Positive control: a check-in without the device's signature is refused, and the refusal is logged.
    const refused = await planes.edgeApp.request('/mdm/checkin', { method: 'PUT', body: '<plist/>' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const log = logLines.join('');
    expect(log).toContain('device request refused');
    expect(log.includes(recoveryKey)).toBe(false);
    expect(log.includes(newRecoveryKey)).toBe(false);
    expect(log.includes(retriedRecoveryKey)).toBe(false);
    expect(log.includes(scheduledRecoveryKey)).toBe(false);
  });

  it('leaves the plaintext key nowhere in any decoded Temporal payload', async () => {
    const haystack = await decodedHistoryText(planes);
    // Positive controls: the device's id and the SecurityInfo answer crossed Temporal (the key as ciphertext).
    expect(haystack).toContain(deviceId);
    expect(haystack).toContain('FDE_PersonalRecoveryKeyCMS');
    expect(haystack.includes(recoveryKey)).toBe(false);
    expect(haystack.includes(newRecoveryKey)).toBe(false);
    expect(haystack.includes(retriedRecoveryKey)).toBe(false);
    expect(haystack.includes(scheduledRecoveryKey)).toBe(false);
  });

  // Last: it stops the outbox relay, to look at the answer while it waits at the edge.
  it('keeps an answer that carries the key sealed to the core in the edge outbox until it is relayed', async () => {
    await planes.relay.stop();
    const sent = await api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'SecurityInfo' });
    expect(sent.status).toBe(202);
    const commandUuid = sent.body.commandUuid as string;
    const row = await eventually(
      async () =>
        (
          await planes.database.edge.db
            .selectFrom('outbox')
            .select(['id', 'event', 'relayed_at'])
            .where('relayed_at', 'is', null)
            .execute()
        ).find((r) => JSON.stringify(r.event).includes(commandUuid)),
      WAIT_MS,
    );
    const stored = JSON.stringify(row.event);
    // Stored, not yet relayed: no key, not even the ciphertext to the escrow certificate, and no answer in clear.
    expect(stored).not.toContain('FDE_PersonalRecoveryKeyCMS');
    expect(stored).not.toContain(mac.state.fileVault.personalRecoveryKey!);
    const sealed = (row.event as { data: { sealedResult: string } }).data.sealedResult;
    expect(sealed).toEqual(expect.any(String));
    // The edge's own keys cannot open it; the core's can (the positive control: the answer is in there).
    const context = commandResultContext(commandUuid);
    expect(() =>
      ringSealingKey(KeyRing.parse(planes.edgeConfig.edge.secretKeys), 'core-sealing-key').open(
        sealed,
        context,
      ),
    ).toThrow();
    const opened = coreSealingKey(KeyRing.parse(planes.coreConfig.core.secretKeys)).open(sealed, context);
    expect(opened.toString('utf8')).toContain('FDE_PersonalRecoveryKeyCMS');

    // Relayed by hand: the core opens it (the key it holds is still the Mac's current one) and the edge forgets it.
    while ((await planes.relay.drainOnce()) > 0);
    const answered = await eventually(
      async () =>
        planes.database.core.db
          .selectFrom('device_commands')
          .select('status')
          .where('command_uuid', '=', commandUuid)
          .where('status', '=', 'acknowledged')
          .executeTakeFirst(),
      WAIT_MS,
    );
    expect(answered.status).toBe('acknowledged');
    const relayed = await planes.database.edge.db
      .selectFrom('outbox')
      .select('event')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(relayed.event)).not.toContain('sealedResult');
    const { facts } = await planes.database.core.db
      .selectFrom('devices')
      .select('facts')
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(facts)).toContain('FDE_Enabled');
  });
});
