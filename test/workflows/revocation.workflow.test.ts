// Every configured edge learns every revocation (admin revocation and check-out), and a newly provisioned edge
// starts with the full list: two edge workers, each with its own database, through the real Temporal and core CA.
import { randomUUID, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createAdminApp } from '../../admin/app.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import type { PlistValue } from '../../core/apple/plist-codec.js';
import { eventually, signedRequest, type Identity } from '../support/apple-requests.js';
import { keepIdentities, type KeepIdentity } from '../support/keep-identity.js';
import type { TestEdge } from '../support/planes.js';
import { useTestPlanes } from '../support/test-context.js';
import { planesAdminApp } from '../support/planes-admin.js';

const TOPIC = 'com.apple.mgmt.External.revocation';

describe('revocation reaches every edge', () => {
  const token = generateToken();
  const planes = useTestPlanes({ secondEdge: true });
  let second: TestEdge;
  let identities: ReturnType<typeof keepIdentities>;
  let admin: ReturnType<typeof createAdminApp>;
  const revoked: KeepIdentity[] = [];

  const send = (
    app: { request: (r: Request) => Response | Promise<Response> },
    message: Record<string, PlistValue>,
    identity: Identity,
  ) => app.request(signedRequest('/mdm/checkin', message, identity));
  /** Both edges answer the identity with the revocation refusal, not merely "not enrolled here". */
  async function expectRefusedEverywhere(identity: KeepIdentity) {
    for (const edge of [planes, second]) {
      await eventually(async () => (edge.trust.isRevoked(identity.fingerprint) ? true : undefined));
      const res = await send(
        edge.edgeApp,
        { MessageType: 'Authenticate', UDID: `ANY-${randomUUID()}`, Topic: TOPIC },
        identity,
      );
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('device certificate is revoked');
    }
  }

  beforeAll(async () => {
    second = planes.secondEdge!;
    identities = keepIdentities(planes);
    admin = planesAdminApp(planes, token);
  }, 120_000);

  it('both edges refuse a certificate after an admin revokes it', async () => {
    const identity = await identities.enroll();
    const udid = `ADMIN-REVOKED-${randomUUID()}`;
    expect(
      (await send(planes.edgeApp, { MessageType: 'Authenticate', UDID: udid, Topic: TOPIC }, identity))
        .status,
    ).toBe(200);
    const serial = new X509Certificate(identity.cert).serialNumber.toLowerCase().replace(/^0+/, '');
    const res = await admin.request(`/v1/certificates/${serial}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'keyCompromise' }),
    });
    expect(res.status).toBe(200);
    await expectRefusedEverywhere(identity);
    revoked.push(identity);
  });

  it('both edges refuse the identity of a device that checked out', async () => {
    const identity = await identities.enroll();
    const udid = `LEAVING-${randomUUID()}`;
    expect(
      (await send(planes.edgeApp, { MessageType: 'Authenticate', UDID: udid, Topic: TOPIC }, identity))
        .status,
    ).toBe(200);
    expect(
      (await send(planes.edgeApp, { MessageType: 'CheckOut', UDID: udid, Topic: TOPIC }, identity)).status,
    ).toBe(200);
    await expectRefusedEverywhere(identity);
    revoked.push(identity);
  });

  it('a newly provisioned edge loads every revocation so far and the current CRL', async () => {
    expect(revoked).toHaveLength(2);
    const fresh = await planes.startEdge(`edge-new-${randomUUID().slice(0, 8)}`);
    for (const identity of revoked) expect(fresh.trust.isRevoked(identity.fingerprint)).toBe(false);
    await planes.temporal.workflow.execute('edgeProvisioningWorkflow', {
      workflowId: `edge-provisioning-${fresh.taskQueue}`,
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [{ edgeTaskQueue: fresh.taskQueue }],
    });
    const crl = await fresh.database.edge.db.selectFrom('crl').select('der').executeTakeFirst();
    expect(crl?.der.length).toBeGreaterThan(0);
    for (const identity of revoked) {
      expect(fresh.trust.isRevoked(identity.fingerprint)).toBe(true);
      const res = await send(
        fresh.edgeApp,
        { MessageType: 'Authenticate', UDID: `ANY-${randomUUID()}`, Topic: TOPIC },
        identity,
      );
      expect(res.status).toBe(403);
    }
  });
});
