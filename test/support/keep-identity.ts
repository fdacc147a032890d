// Device identities from Keep's own CA, through the real SCEP route of the test planes: one challenge each.
import { createHash, randomUUID } from 'node:crypto';
import { createPkiActivities } from '../../activities/pki/pki.activities.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { ScepClient } from '../sim/scep/scep-client.js';
import type { Identity } from './apple-requests.js';
import type { TestPlanes } from './planes.js';

export interface KeepIdentity extends Identity {
  enrollmentId: string;
  fingerprint: string;
}

export function keepIdentities(planes: TestPlanes) {
  const pki = createPkiActivities({
    db: planes.database.core.db,
    keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
    pki: planes.coreConfig.core,
  });
  const scep = (enrollmentId: string) =>
    new ScepClient({
      url: `http://edge/scep/${enrollmentId}`,
      fetch: ((url: string, init?: RequestInit) => planes.edgeApp.request(url, init)) as typeof fetch,
      pollIntervalMs: 50,
      maxPolls: 100,
    });
  const identityOf = (
    enrollmentId: string,
    issued: { certificate: Buffer; privateKey: Identity['key'] },
  ) => ({
    enrollmentId,
    cert: issued.certificate,
    key: issued.privateKey,
    fingerprint: createHash('sha256').update(issued.certificate).digest('hex'),
  });
  return {
    pki,
    scep,
    /** A fresh enrollment's identity, from its own challenge (what a second enrollment profile yields). */
    async enroll(enrollmentId: string = randomUUID()): Promise<KeepIdentity> {
      const { challenge } = await pki.createScepChallenge({
        purpose: 'device-identity',
        boundTo: { kind: 'enrollment', id: enrollmentId },
      });
      const issued = await scep(enrollmentId).enroll({
        subject: [{ name: 'commonName', value: `device ${enrollmentId}` }],
        challengePassword: challenge,
      });
      return identityOf(enrollmentId, issued);
    },
    /** RenewalReq signed by `current`; rejects with ScepClientError on a CertRep FAILURE. */
    async renew(current: KeepIdentity): Promise<KeepIdentity> {
      const issued = await scep(current.enrollmentId).renew(
        { certificate: current.cert, key: current.key },
        { subject: [{ name: 'commonName', value: `device ${current.enrollmentId}` }] },
      );
      return identityOf(current.enrollmentId, issued);
    },
  };
}
