// What a simulated device in Setup Assistant says about itself: MachineInfo as a plist, and as the device signs it
// for `x-apple-aspen-deviceinfo` (base64 of CMS SignedData, attached, by a device certificate).
// https://developer.apple.com/documentation/devicemanagement/machineinfo
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { buildPlist } from '../../../core/apple/plist-codec.js';
import { signSignedData } from '../../../core/cms/index.js';
import { createTestCa, issueCertificate, type IssuedCertificate } from '../../support/test-ca.js';
import type { DeviceState } from './device-state.js';

/** Stands in for Apple's device identity, issued once per process: the test stacks leave edge.appleDeviceCaFile unset. */
let deviceIdentity: IssuedCertificate | undefined;

export function machineInfoPlist(state: DeviceState): Buffer {
  return Buffer.from(
    buildPlist({
      SERIAL: state.serialNumber,
      UDID: state.udid,
      PRODUCT: state.productName,
      VERSION: '23A344',
      LANGUAGE: 'en',
    }),
  );
}

/** The `x-apple-aspen-deviceinfo` header value Setup Assistant adds to the `configuration_web_url` request. */
export function aspenDeviceInfo(state: DeviceState): string {
  deviceIdentity ??= issueCertificate(createTestCa('Simulated Apple Device CA'), {
    subject: [{ name: 'commonName', value: 'Simulated Apple device' }],
  });
  return signSignedData({
    content: machineInfoPlist(state),
    signerCertificate: new X509Certificate(deviceIdentity.certPem).raw,
    signerKey: createPrivateKey(deviceIdentity.keyPem),
  }).toString('base64');
}
