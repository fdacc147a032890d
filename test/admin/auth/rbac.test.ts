import { beforeAll, describe, expect, it } from 'vitest';
import { hasPermission, PERMISSIONS, ROLES } from '../../../admin/auth/rbac.js';
import { auditRows, call, insertDevice, testAdminApp, tokenFor, type AdminApp } from '../support.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('admin roles', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let deviceId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    for (const role of ROLES) tokens[role] = await tokenFor(database.core.db, role);
    deviceId = await insertDevice(database.core.db);
  });

  it('gives every admin role read access to devices, only admins token management, scim only SCIM and onboarding only onboarding', () => {
    for (const role of ROLES.filter((r) => r !== 'scim' && r !== 'onboarding'))
      expect(hasPermission(role, 'devices:read')).toBe(true);
    expect(
      Object.keys(PERMISSIONS).filter((p) => hasPermission('scim', p as keyof typeof PERMISSIONS)),
    ).toEqual(['scim:write']);
    expect(
      Object.keys(PERMISSIONS).filter((p) => hasPermission('onboarding', p as keyof typeof PERMISSIONS)),
    ).toEqual(['onboarding:write']);
    expect(ROLES.filter((role) => hasPermission(role, 'tokens:manage'))).toEqual(['admin']);
    expect(Object.keys(PERMISSIONS)).toContain('push-certificate:write');
  });

  it('lets only admins start, pause and resume a CA rollover', () => {
    expect(ROLES.filter((role) => hasPermission(role, 'ca:rollover'))).toEqual(['admin']);
  });

  it('refuses EraseDevice from helpdesk with 403 naming the missing permission, and audits nothing', async () => {
    const res = await call(app, 'POST', `/v1/devices/${deviceId}/commands`, {
      token: tokens.helpdesk,
      body: { requestType: 'EraseDevice', parameters: {} },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('commands:send-any');
    expect(await auditRows(database.core.db)).toEqual([]);
  });

  it('refuses a raw plist from helpdesk even when it claims a safe RequestType', async () => {
    const plist =
      '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>RequestType</key><string>DeviceLock</string></dict></plist>';
    const res = await call(app, 'POST', `/v1/devices/${deviceId}/commands`, {
      token: tokens.helpdesk,
      body: { plist },
    });
    expect(res.status).toBe(403);
  });

  it('lets an auditor read the audit log but not send commands', async () => {
    expect((await call(app, 'GET', '/v1/audit', { token: tokens.auditor })).status).toBe(200);
    const res = await call(app, 'POST', `/v1/devices/${deviceId}/commands`, {
      token: tokens.auditor,
      body: { requestType: 'DeviceInformation', parameters: { queries: ['OSVersion'] } },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('commands:send');
  });

  it('keeps the audit log, tokens and the push-certificate import from operators and helpdesk', async () => {
    for (const role of ['operator', 'helpdesk'] as const) {
      expect((await call(app, 'GET', '/v1/audit', { token: tokens[role] })).status).toBe(403);
      expect((await call(app, 'GET', '/v1/tokens', { token: tokens[role] })).status).toBe(403);
      const upload = await call(app, 'POST', '/v1/push-certificate', {
        token: tokens[role],
        body: { certPem: 'x', keyPem: 'y' },
      });
      expect(upload.status).toBe(403);
      expect(((await upload.json()) as { error: string }).error).toContain('push-certificate:write');
    }
  });
});
