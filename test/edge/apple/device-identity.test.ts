// Only Keep's device-identity profile speaks for a device: the SCEP RA, TLS-server and profile-signing certificates
// of the same CA are refused on every device endpoint, and each refusal is logged with its reason.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCaLoader, crlUrlFor } from '../../../activities/pki/ca-loader.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { createLogger } from '../../../core/log/logger.js';
import { pemBlocks } from '../../../core/pki/pem.js';
import { issueCertificate } from '../../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';
import { createEdgeApp } from '../../../edge/app.js';
import { appleEdgePlatform } from '../../../edge/apple/apple-platform.js';
import { signedRequest, type Identity } from '../../support/apple-requests.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('device identity profile', () => {
  const planes = useTestPlanes();
  const keepCertificates: Record<string, Identity> = {};

  beforeAll(async () => {
    const ca = await createCaLoader(
      planes.database.core.db,
      KeyRing.parse(planes.coreConfig.core.secretKeys),
      {
        organization: planes.coreConfig.core.organization,
        crlUrl: crlUrlFor(planes.coreConfig.core.edgePublicUrl),
      },
    )();
    const ra = planes.ra.credentials()!;
    keepCertificates['SCEP RA'] = { cert: ra.certificate, key: ra.key };
    keepCertificates['profile signer'] = {
      cert: pemBlocks(ca.profileSigning.certificatePem, 'CERTIFICATE')[0]!,
      key: ca.profileSigning.privateKey,
    };
    const tlsKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keepCertificates['TLS server'] = {
      cert: issueCertificate({
        ca: ca.issuing,
        publicKey: tlsKey.publicKey,
        profile: 'tls-server',
        template: { commonName: 'localhost' },
        serial: generateSerialNumber(),
        now: new Date(),
      }).der,
      key: tlsKey.privateKey,
    };
  }, 120_000);

  it.each(['SCEP RA', 'TLS server', 'profile signer'])(
    'refuses the %s certificate of Keep CA on check-in and connect',
    async (name) => {
      const identity = keepCertificates[name]!;
      const udid = `NOT-A-DEVICE-${randomUUID()}`;
      const send = (path: string, message: Parameters<typeof signedRequest>[1]) =>
        planes.edgeApp.request(signedRequest(path, message, identity));
      const auth = await send('/mdm/checkin', {
        MessageType: 'Authenticate',
        UDID: udid,
        Topic: 'com.apple.mgmt.External.profile',
      });
      expect(auth.status).toBe(403);
      expect(await auth.text()).toBe('not a device identity certificate');
      expect((await send('/mdm/connect', { Status: 'Idle', UDID: udid })).status).toBe(403);
      expect(
        await planes.database.edge.db
          .selectFrom('apple_enrollments')
          .select('id')
          .where('udid', '=', udid)
          .executeTakeFirst(),
      ).toBeUndefined();
    },
  );

  it('logs each refusal at info with its reason and an opaque id, never the certificate or a secret', async () => {
    const lines: string[] = [];
    const log = createLogger(
      'edge',
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const apple = appleEdgePlatform.start({ ...planes.edge.platformDeps, log });
    const app = createEdgeApp({
      log,
      temporal: planes.temporal,
      coreTaskQueue: planes.edgeConfig.edge.coreTaskQueue,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
      probeEnabled: false,
      healthProbes: {},
      maxBodyBytes: planes.edgeConfig.edge.maxBodyBytes,
      platformRoutes: [apple.routes],
    });
    onTestFinished(() => apple.close());
    const ra = keepCertificates['SCEP RA']!;
    const res = await app.request(signedRequest('/mdm/connect', { Status: 'Idle', UDID: 'LOGGED' }, ra));
    expect(res.status).toBe(403);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: 'device request refused',
        reason: 'wrong-profile:no-client-auth',
        subject: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) as unknown,
      }),
    );
    expect(lines.join('')).not.toContain(ra.cert.toString('base64').slice(0, 40));
  });
});
