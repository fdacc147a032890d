// An edge replica that starts before the core certified the SCEP RA (the certificate reaches another replica's
// worker) must serve SCEP as soon as the certificate is in the shared edge database, not a refresh period later:
// until then every enrolment through it fails with 503.
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { createRaState, type RaState } from '../../../edge/scep/ra-state.js';
import { eventually } from '../../support/apple-requests.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { createTestCa } from '../../support/test-ca.js';

describe('an edge replica started before its RA was certified', () => {
  const replicas: RaState[] = [];
  let database: TestDatabase | undefined;
  afterAll(async () => {
    for (const replica of replicas) replica.close();
    await database?.drop();
  });

  it('serves the RA certificate another replica installed, well within the refresh period', async () => {
    database = await createTestDatabase();
    const ring = KeyRing.parse(KeyRing.generateSpec('ra-replica'));
    // The default refresh period (a minute): what a production replica runs with.
    const installer = await createRaState(database.edge.db, ring);
    const waiting = await createRaState(database.edge.db, ring);
    replicas.push(installer, waiting);
    expect(waiting.credentials()).toBeUndefined();
    const { csrBase64 } = await installer.prepare();
    // A stand-in for the core: a test CA certifies the key the RA asked for (an RA installs no other).
    const csr = forge.pki.certificationRequestFromAsn1(
      forge.asn1.fromDer(Buffer.from(csrBase64!, 'base64').toString('binary')),
    );
    const ca = createTestCa('RA stand-in CA');
    const issued = forge.pki.createCertificate();
    issued.publicKey = csr.publicKey!;
    issued.serialNumber = '01';
    issued.validity.notBefore = new Date(Date.now() - 60_000);
    issued.validity.notAfter = new Date(Date.now() + 86_400_000);
    issued.setSubject(csr.subject.attributes);
    issued.setIssuer(ca.cert.subject.attributes);
    issued.sign(ca.key, forge.md.sha256.create());
    const certificate = Buffer.from(
      forge.asn1.toDer(forge.pki.certificateToAsn1(issued)).getBytes(),
      'binary',
    );
    await installer.install(certificate);
    // A bound far below the refresh period, not a speed claim: an unprovisioned replica looks again soon.
    const served = await eventually(async () => waiting.credentials(), 10_000);
    expect(served.certificate.equals(certificate)).toBe(true);
  });
});
