// A simulated Mac with FileVault on, through the real edge (HTTPS on loopback), Postgres, Temporal and the core:
// the disk-encryption policy installs FileVault with escrow to Keep's certificate, the Mac's SecurityInfo answer
// carries its recovery key encrypted to it, and the core decrypts it into the vault. The plaintext key is then
// searched for in the edge database, the edge's log and every decoded Temporal payload, each search with a
// positive control that proves it looks where the data is.
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createVault } from '../../activities/vault/vault.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { createLogger } from '../../core/log/logger.js';
import { EncryptionCodec } from '../../core/temporal/payload-codec.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { collectPayloads } from '../support/history-payloads.js';

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
  const { planes, api, enroll } = useAppleE2e({ waitMs: WAIT_MS, log: createLogger('edge', 'debug', sink) });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  let deviceId: string;
  let recoveryKey: string;
  let newRecoveryKey: string;

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
    const audit = await planes.database.core.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', deviceId)
      .execute();
    expect(audit.map((a) => a.action)).toContain('filevault-key.escrowed');
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

  it('leaves the plaintext key nowhere in the edge database', async () => {
    const edge = planes.database.edge.db;
    const { rows: tables } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'edge' and table_type = 'BASE TABLE'`.execute(edge);
    expect(tables.map((t) => t.name)).toContain('command_results');
    const texts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await sql<{
        row: string;
      }>`select t::text as row from ${sql.table(`edge.${name}`)} t`.execute(edge);
      texts.push(...rows.map((r) => r.row));
    }
    const dump = texts.join('\n');
    // Positive control: the SecurityInfo answer (with the key as ciphertext) is stored, hex-encoded as bytea.
    expect(dump).toContain(Buffer.from('FDE_PersonalRecoveryKeyCMS').toString('hex'));
    for (const key of [recoveryKey, newRecoveryKey])
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
  });

  it('leaves the plaintext key nowhere in any decoded Temporal payload', async () => {
    const codec = new EncryptionCodec(KeyRing.parse(planes.edgeConfig.temporal.payloadKeys));
    const texts: string[] = [];
    const query = `TaskQueue = '${planes.coreConfig.core.taskQueue}'`;
    for await (const execution of planes.temporal.workflow.list({ query })) {
      const history = await planes.temporal.workflow
        .getHandle(execution.workflowId, execution.runId)
        .fetchHistory();
      const decoded = await codec.decode(collectPayloads(history.events));
      for (const payload of decoded) {
        const text = Buffer.from(payload.data ?? []).toString('latin1');
        const nested = [...text.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) =>
          Buffer.from(m[1]!, 'base64').toString('latin1'),
        );
        texts.push(text, ...nested);
      }
    }
    const haystack = texts.join('\n');
    // Positive controls: the device's id and the SecurityInfo answer crossed Temporal (the key as ciphertext).
    expect(haystack).toContain(deviceId);
    expect(haystack).toContain('FDE_PersonalRecoveryKeyCMS');
    expect(haystack.includes(recoveryKey)).toBe(false);
    expect(haystack.includes(newRecoveryKey)).toBe(false);
  });
});
