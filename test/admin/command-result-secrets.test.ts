import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../admin/auth/rbac.js';
import { auditRows, call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

const BYPASS_CODE = 'KXTR-7LQ2-W9PM-3HDV-6CNB';
const RECOVERY_KEY_CMS = Buffer.from('cms-envelope-of-the-recovery-key').toString('base64');

interface Detail {
  result: Record<string, unknown>;
  redactedSecrets: { keys: string[]; permission: string } | null;
}

describe('secrets in command results', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let deviceId: string;
  const tokens: Record<string, string> = {};

  const insertCommand = async (uuid: string, requestType: string, result: Record<string, unknown>) => {
    await database.core.db
      .insertInto('device_commands')
      .values({
        command_uuid: uuid,
        device_id: deviceId,
        request_type: requestType,
        status: 'acknowledged',
        requested_by: 'token:x',
        result: JSON.stringify(result),
      })
      .execute();
  };
  const read = (uuid: string, role: string) =>
    call(app, 'GET', `/v1/devices/${deviceId}/commands/${uuid}`, { token: tokens[role] });

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    for (const role of ROLES) tokens[role] = await tokenFor(database.core.db, role);
    deviceId = await insertDevice(database.core.db);
    await insertCommand('bypass', 'ActivationLockBypassCode', { ActivationLockBypassCode: BYPASS_CODE });
    await insertCommand('security', 'SecurityInfo', {
      SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: RECOVERY_KEY_CMS },
    });
    await insertCommand('unlock', 'RequestUnlockToken', { UnlockToken: 'dW5sb2Nr' });
    await insertCommand('plain', 'DeviceInformation', { QueryResponses: { OSVersion: '15.1' } });
  });

  it('shows every role but admin "<redacted>" in place of a secret, and names the permission that reveals it', async () => {
    for (const role of ['operator', 'helpdesk', 'auditor']) {
      const bypass = (await (await read('bypass', role)).json()) as Detail;
      expect(bypass.result).toEqual({ ActivationLockBypassCode: '<redacted>' });
      expect(bypass.redactedSecrets).toEqual({
        keys: ['ActivationLockBypassCode'],
        permission: 'command-results:read-secrets',
      });
      const security = (await (await read('security', role)).json()) as Detail;
      // What a help desk needs (is FileVault on?) stays; the escrowed key does not.
      expect(security.result).toEqual({
        SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: '<redacted>' },
      });
      const unlock = await read('unlock', role);
      expect(await unlock.text()).not.toContain('dW5sb2Nr');
    }
    expect(await auditRows(database.core.db)).toEqual([]);
  });

  it("audits an admin's read of a secret before answering it, without the secret in the audit row", async () => {
    const res = await read('bypass', 'admin');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Detail;
    expect(body.result).toEqual({ ActivationLockBypassCode: BYPASS_CODE });
    expect(body.redactedSecrets).toBeNull();
    const [audit] = await auditRows(database.core.db, 'device.command.result.read-secrets');
    expect(audit).toMatchObject({
      target_kind: 'device',
      target_id: deviceId,
      details: {
        commandUuid: 'bypass',
        requestType: 'ActivationLockBypassCode',
        keys: ['ActivationLockBypassCode'],
      },
    });
    expect(JSON.stringify(audit)).not.toContain(BYPASS_CODE);
  });

  it('writes no audit row for a result without secrets', async () => {
    const before = await auditRows(database.core.db);
    const body = (await (await read('plain', 'admin')).json()) as Detail;
    expect(body).toMatchObject({ result: { QueryResponses: { OSVersion: '15.1' } }, redactedSecrets: null });
    expect(await auditRows(database.core.db)).toEqual(before);
  });

  it('refuses to show the secret when the audit row cannot be written', async () => {
    const db = database.core.db;
    await sql`CREATE FUNCTION core.refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON core.audit_log
      FOR EACH ROW EXECUTE FUNCTION core.refuse_audit()`.execute(db);
    try {
      const res = await read('security', 'admin');
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain(RECOVERY_KEY_CMS);
    } finally {
      await sql`DROP TRIGGER refuse_audit ON core.audit_log`.execute(db);
      await sql`DROP FUNCTION core.refuse_audit()`.execute(db);
    }
  });
});
