import { beforeAll, describe, expect, it } from 'vitest';
import { createVault } from '../../activities/vault/vault.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import { useTestDatabase } from '../support/test-context.js';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';

const RECOVERY_KEY = 'ABCD-EFGH-JKLM-NPQR-STUV-WXYZ';

describe('device secrets in the admin API', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let deviceId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db });
    for (const role of ['admin', 'helpdesk', 'auditor'] as const) tokens[role] = await tokenFor(db, role);
    deviceId = await insertDevice(db);
    const vault = createVault({ db, kms: keyRingKms(KeyRing.parse(KeyRing.generateSpec('k1'))) });
    await vault.store(deviceId, 'filevault-prk', Buffer.from(RECOVERY_KEY));
    await db
      .insertInto('audit_log')
      .values([
        {
          actor: `device:${deviceId}`,
          action: 'filevault-key.escrowed',
          target_kind: 'device',
          target_id: deviceId,
          details: '{"version":1}',
        },
        {
          actor: 'token:a',
          action: 'secret.reveal-requested',
          target_kind: 'device',
          target_id: deviceId,
          details: '{"kind":"filevault-prk"}',
        },
        {
          actor: 'token:a',
          action: 'secret.reveal-requested',
          target_kind: 'device',
          target_id: deviceId,
          details: '{"kind":"bootstrap-token"}',
        },
        {
          actor: 'keep',
          action: 'secret.rotation-failed',
          target_kind: 'device',
          target_id: deviceId,
          details: '{"kind":"recovery-lock","error":"the device answered Error"}',
        },
        {
          actor: 'token:a',
          action: 'device.command',
          target_kind: 'device',
          target_id: deviceId,
          details: '{}',
        },
      ])
      .execute();
  });

  it('lists which secrets a device has escrowed, valid or not, never the secret', async () => {
    const res = await call(app, 'GET', `/v1/devices/${deviceId}/secrets`, { token: tokens.helpdesk });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(RECOVERY_KEY);
    expect(JSON.parse(text)).toMatchObject({ items: [{ kind: 'filevault-prk', version: 1, valid: true }] });
  });

  it("gives auditors the trail of one secret, and nothing of another kind's", async () => {
    const res = await call(app, 'GET', `/v1/devices/${deviceId}/secrets/filevault-prk/audit`, {
      token: tokens.auditor,
    });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { action: string; details: { kind?: string } }[] };
    expect(items.map((i) => i.action)).toEqual(['secret.reveal-requested', 'filevault-key.escrowed']);
    expect(items[0]!.details.kind).toBe('filevault-prk');
    const helpdesk = await call(app, 'GET', `/v1/devices/${deviceId}/secrets/filevault-prk/audit`, {
      token: tokens.helpdesk,
    });
    expect(helpdesk.status).toBe(403);
    const unknown = await call(app, 'GET', `/v1/devices/${deviceId}/secrets/wifi/audit`, {
      token: tokens.admin,
    });
    expect(unknown.status).toBe(400);
  });

  it('gives the trail of a secret Keep sets (Recovery Lock): its rotation and reveal steps', async () => {
    const res = await call(app, 'GET', `/v1/devices/${deviceId}/secrets/recovery-lock/audit`, {
      token: tokens.auditor,
    });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { action: string }[] };
    expect(items.map((i) => i.action)).toEqual(['secret.rotation-failed']);
  });
});
