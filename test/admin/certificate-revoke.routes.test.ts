// POST /v1/certificates/{serial}/revoke answers once the core has recorded the revocation, even while an edge
// the core serves is down (that edge gets it when it is back).
import { randomUUID, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateToken } from '../../admin/auth/token-hash.js';
import { keepIdentities } from '../support/keep-identity.js';
import { useTestPlanes } from '../support/test-context.js';
import { planesAdminApp } from '../support/planes-admin.js';

describe('revoking a certificate from the admin API', () => {
  const downEdge = `edge-down-${randomUUID()}`;
  const planes = useTestPlanes({ edgesDown: [downEdge] });
  const token = generateToken();

  it('answers once the core recorded it, saying an edge that is down does not have it yet', async () => {
    const admin = planesAdminApp(planes, token);
    const identity = await keepIdentities(planes).enroll();
    const serial = new X509Certificate(identity.cert).serialNumber.toLowerCase().replace(/^0+/, '');
    const res = await admin.request(`/v1/certificates/${serial}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'keyCompromise' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ serial, revoked: 1, everyEdge: false });
    const certificate = await planes.database.core.db
      .selectFrom('certificates')
      .select('revoked_at')
      .where('serial_hex', '=', serial)
      .executeTakeFirstOrThrow();
    expect(certificate.revoked_at).not.toBeNull();
    // The workflow still waits for the edge that is down: it has not been told yet.
    const statuses: string[] = [];
    for await (const execution of planes.temporal.workflow.list({
      query: `WorkflowType = 'revocationWorkflow'`,
    }))
      statuses.push(execution.status.name);
    expect(statuses).toContain('RUNNING');
  });
});
