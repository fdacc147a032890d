// MachineInfo's signature chained to the Apple device CA the operator configured (edge.appleDeviceCaFile): a test
// root stands in for the Apple Root CA, with an intermediate the device sends along, as Apple's devices do.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { buildPlist } from '../../../core/apple/plist-codec.js';
import { signSignedData } from '../../../core/cms/index.js';
import { appleDeviceCaTrust } from '../../../edge/apple/apple-device-ca.js';
import { readMachineInfo } from '../../../edge/apple/machine-info.js';
import { createTestCa, issueCertificate, issueIntermediateCa, type TestCa } from '../../support/test-ca.js';

const plist = Buffer.from(buildPlist({ SERIAL: 'C02TESTSERIAL', PRODUCT: 'Mac14,2', OS_VERSION: '15.1' }));

/** MachineInfo as a device under `root` signs it: its identity and the intermediate between, in the message. */
function signedBy(root: TestCa): Buffer {
  const intermediate = issueIntermediateCa(root, 'Test iPhone Device CA');
  const device = issueCertificate(intermediate, { subject: [{ name: 'commonName', value: 'a device' }] });
  return signSignedData({
    content: plist,
    signerCertificate: new X509Certificate(device.certPem).raw,
    signerKey: createPrivateKey(device.keyPem),
    certificates: [new X509Certificate(device.certPem).raw, new X509Certificate(intermediate.certPem).raw],
  });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof HTTPException) return `${error.status} ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('MachineInfo chained to the configured Apple device CA', () => {
  const apple = createTestCa('Test Apple Root CA');
  const deviceCa = appleDeviceCaTrust(
    `${createTestCa('Another root').certPem}\n${apple.certPem}`,
    'roots.pem',
  );

  it('reads a MachineInfo whose signer chains through the intermediate it carries to a configured root', () => {
    expect(readMachineInfo(signedBy(apple), true, deviceCa)).toEqual({
      serialNumber: 'C02TESTSERIAL',
      machine: { product: 'Mac14,2', osVersion: '15.1' },
    });
  });

  it('refuses with 400 a MachineInfo signed by a device of another CA, saying why', () => {
    const forged = signedBy(createTestCa('Not Apple'));
    expect(refusal(() => readMachineInfo(forged, true, deviceCa))).toMatch(
      /^400 malformed request: MachineInfo signer is not an Apple device \(certificate does not chain/,
    );
    // Without the setting, today's behaviour: the signature alone is checked.
    expect(readMachineInfo(forged, true).serialNumber).toBe('C02TESTSERIAL');
  });

  it('refuses with 400 a bare plist on the ADE url once a device CA is configured', () => {
    expect(refusal(() => readMachineInfo(plist, false, deviceCa))).toMatch(
      /^400 malformed request: MachineInfo is not signed/,
    );
    expect(readMachineInfo(plist, false).serialNumber).toBe('C02TESTSERIAL');
  });

  it('names the setting when its file holds no certificate', () => {
    expect(() => appleDeviceCaTrust('not a certificate', '/etc/keep/apple.pem')).toThrow(
      'edge.appleDeviceCaFile: /etc/keep/apple.pem holds no PEM certificate',
    );
  });
});
