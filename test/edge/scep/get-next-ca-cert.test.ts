// GetNextCACert (RFC 8894 §4.7) at the edge: advertised in GetCACaps; while a CA rollover has published an issuing
// CA that does not issue yet, answered with the new chain in a SignedData signed by the current RA; otherwise 404.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCertificates, verifySignedData } from '../../../core/cms/index.js';
import { NEXT_CA_CERT_CONTENT_TYPE } from '../../../core/scep/index.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('GetNextCACert', () => {
  const planes = useTestPlanes();

  it('answers the next CA and the root signed by the RA while a rollover publishes one, 404 otherwise', async () => {
    const caps = await (await planes.edgeApp.request('/scep?operation=GetCACaps')).text();
    expect(caps.split('\n')).toContain('GetNextCACert');
    const none = await planes.edgeApp.request('/scep?operation=GetNextCACert');
    expect(none.status).toBe(404);
    expect(await none.text()).toBe('no next CA is published');

    const current = await planes.database.edge.db.selectFrom('ca_chain').select(['der', 'role']).execute();
    const next = new X509Certificate(createTestCa('Keep Next Issuing CA').certPem).raw;
    await planes.trust.installChain([...current, { der: next, role: 'issuing', next: true }]);
    try {
      const answer = await planes.edgeApp.request('/scep?operation=GetNextCACert');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(NEXT_CA_CERT_CONTENT_TYPE);
      const signed = verifySignedData(Buffer.from(await answer.arrayBuffer()));
      expect(signed.signer.certificate.der.equals(planes.ra.credentials()!.certificate)).toBe(true);
      const roots = current.filter((c) => c.role === 'root').map((c) => c.der);
      expect(readCertificates(signed.content)).toEqual([next, ...roots]);
      // The next CA is trusted already: identities it will issue verify at this edge from the start.
      expect(planes.trust.chain().some((der) => der.equals(next))).toBe(true);
    } finally {
      await planes.trust.installChain(current);
    }
    expect((await planes.edgeApp.request('/scep?operation=GetNextCACert')).status).toBe(404);
  });
});
