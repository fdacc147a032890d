import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExternalScepClient, skipWithoutExternalScepClient } from '../../support/external-scep-client.js';
import type { ScepTestServer } from '../../sim/scep/scep-test-server.js';
import { startScepTestServer } from '../../sim/scep/scep-test-server.js';
import type { TestCa } from '../../sim/scep/test-ca.js';
import { createTestCa } from '../../sim/scep/test-ca.js';

let ca: TestCa;
let server: ScepTestServer;

beforeAll(async () => {
  ca = createTestCa('Interop');
  // scepclient v2.3.0 encrypts with single DES whatever GetCACaps says.
  server = await startScepTestServer(ca, { challenge: 'interop-secret', allowSingleDes: true });
});
afterAll(() => server.close());

describe.skipIf(skipWithoutExternalScepClient('SCEP interop'))('interop with micromdm scepclient', () => {
  it('enrolls and receives a certificate issued by the CA', async () => {
    const pem = await runExternalScepClient({
      url: server.url,
      challenge: 'interop-secret',
      commonName: 'interop-device',
      dnsName: 'interop.example',
    });
    const issued = new X509Certificate(pem);
    expect(issued.subject).toContain('CN=interop-device');
    expect(issued.checkIssued(new X509Certificate(ca.certificate))).toBe(true);
    const request = server.requests.at(-1);
    expect(request?.type).toBe('PKCSReq');
  });

  it('is refused with a wrong challenge', async () => {
    await expect(
      runExternalScepClient({ url: server.url, challenge: 'wrong', commonName: 'intruder' }),
    ).rejects.toThrow(/scepclient failed[\s\S]*failInfo: badRequest/);
  });
});
