// Interop: micromdm's scepclient, a SCEP client Keep did not write, enrols over HTTP through the real edge,
// Temporal and the core CA, and openssl accepts what it gets against Keep's chain.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiActivities, type PkiActivities } from '../../../activities/pki/pki.activities.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { runExternalScepClient, skipWithoutExternalScepClient } from '../../support/external-scep-client.js';
import { opensslVerify } from '../../support/openssl-verify.js';
import { useTestPlanes } from '../../support/test-context.js';

describe.skipIf(skipWithoutExternalScepClient('SCEP interop with the edge'))(
  'the edge SCEP RA with micromdm scepclient',
  () => {
    const planes = useTestPlanes({ scepAllowSingleDes: true });
    let pki: PkiActivities;
    let server: ServerType;
    let url: string;
    const enrollmentId = '0b7e6c52-8f0d-4a3e-9d1c-5e2f7a8b9c01';

    const certificateCount = async () =>
      Number(
        (
          await planes.database.core.db
            .selectFrom('certificates')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      // scepclient v2.3.0 encrypts with single DES whatever GetCACaps offers: the edge opts in here only.
      pki = createPkiActivities({
        db: planes.database.core.db,
        keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
        pki: planes.coreConfig.core,
      });
      server = await new Promise<ServerType>((resolve) => {
        const s: ServerType = serve({ fetch: planes.edgeApp.fetch, hostname: '127.0.0.1', port: 0 }, () =>
          resolve(s),
        );
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scep/${enrollmentId}`;
    }, 120_000);
    afterAll(async () => {
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const challengeFor = async () =>
      (
        await pki.createScepChallenge({
          purpose: 'device-identity',
          boundTo: { kind: 'enrollment', id: enrollmentId },
        })
      ).challenge;

    it('issues scepclient a device identity that openssl verifies against Keep chain', async () => {
      const pem = await runExternalScepClient({
        url,
        challenge: await challengeFor(),
        commonName: 'interop device',
      });
      const { verdict, text } = opensslVerify(pem, planes.trust.chain());
      expect(verdict).toContain('leaf.pem: OK');
      // The CA names the identity after the enrollment, whatever subject the client asked for.
      expect(text).toContain(`CN = keep-enrollment-${enrollmentId}`);
      expect(text).toContain('TLS Web Client Authentication');
      expect(text).toContain(`urn:keep:enrollment:${enrollmentId}`);
    }, 90_000);

    it('gives scepclient no certificate for a wrong challenge', async () => {
      await challengeFor(); // a real challenge exists for this enrollment, but the client does not have it
      const before = await certificateCount();
      await expect(
        runExternalScepClient({
          url,
          challenge: 'not-the-challenge',
          commonName: 'intruder',
          timeoutMs: 30_000,
        }),
      ).rejects.toThrow(/failInfo: badRequest/);
      expect(await certificateCount()).toBe(before);
    }, 60_000);
  },
);
