import { describe, expect, it } from 'vitest';
import { decodeCommandReport } from '../../../../core/apple/command-report.js';
import { decodeDeviceInformation, decodeSecurityInfo } from '../../../../core/apple/commands/index.js';
import { parsePlistDict, type PlistDict } from '../../../../core/apple/plist-codec.js';
import { loadAppleSchema, validateAgainstSchema } from '../../../../core/apple/schemas/apple-schema.js';
import { plistXml } from '../fixtures.js';

function acknowledgedResult(body: string): PlistDict {
  const report = decodeCommandReport(
    parsePlistDict(
      plistXml(`<dict><key>CommandUUID</key><string>C</string><key>Status</key><string>Acknowledged</string>
        <key>UDID</key><string>U</string>${body}</dict>`),
    ),
  );
  if (report.status !== 'Acknowledged') throw new Error('not acknowledged');
  return report.result;
}

describe('decodeDeviceInformation', () => {
  const result = acknowledgedResult(`<key>QueryResponses</key><dict>
    <key>UDID</key><string>U</string>
    <key>SerialNumber</key><string>C02XK0AAJGH5</string>
    <key>OSVersion</key><string>14.4.1</string>
    <key>BuildVersion</key><string>23E224</string>
    <key>DeviceCapacity</key><real>494.38</real>
    <key>AvailableDeviceCapacity</key><integer>300</integer>
    <key>IsSupervised</key><true/>
    <key>WiFiMAC</key><string>aa:bb:cc:dd:ee:ff</string>
  </dict>`);

  it('uses a sample valid per information.device.yaml', () => {
    const schema = loadAppleSchema('mdm/commands/information.device.yaml');
    const problems = validateAgainstSchema(schema, result, { section: 'responsekeys' });
    // A whole-number capacity arrives as <integer> although Apple types it <real>.
    expect(problems.filter((p) => p.path !== 'QueryResponses.AvailableDeviceCapacity')).toEqual([]);
  });

  it('reads typed facts', () => {
    expect(decodeDeviceInformation(result)).toMatchObject({
      serialNumber: 'C02XK0AAJGH5',
      osVersion: '14.4.1',
      deviceCapacityGb: 494.38,
      availableDeviceCapacityGb: 300,
      isSupervised: true,
      wifiMac: 'aa:bb:cc:dd:ee:ff',
    });
  });

  it('requires QueryResponses', () => {
    expect(() => decodeDeviceInformation({})).toThrow(/QueryResponses/);
  });
});

describe('decodeSecurityInfo', () => {
  const result = acknowledgedResult(`<key>SecurityInfo</key><dict>
    <key>FDE_Enabled</key><true/>
    <key>FDE_HasPersonalRecoveryKey</key><true/>
    <key>FDE_HasInstitutionalRecoveryKey</key><false/>
    <key>FDE_PersonalRecoveryKeyCMS</key><data>MIIBAA==</data>
    <key>SystemIntegrityProtectionEnabled</key><true/>
    <key>FirewallSettings</key><dict><key>FirewallEnabled</key><true/><key>BlockAllIncoming</key><false/><key>StealthMode</key><true/></dict>
    <key>ManagementStatus</key><dict><key>EnrolledViaDEP</key><true/><key>UserApprovedEnrollment</key><true/><key>IsUserEnrollment</key><false/></dict>
    <key>SecureBoot</key><dict><key>SecureBootLevel</key><string>full</string></dict>
  </dict>`);

  it('uses a sample valid per information.security.yaml', () => {
    const schema = loadAppleSchema('mdm/commands/information.security.yaml');
    expect(validateAgainstSchema(schema, result, { section: 'responsekeys', os: 'macOS' })).toEqual([]);
  });

  it('reads FileVault state and the other facts', () => {
    const facts = decodeSecurityInfo(result);
    expect(facts.fileVault).toEqual({
      enabled: true,
      hasPersonalRecoveryKey: true,
      hasInstitutionalRecoveryKey: false,
      personalRecoveryKeyCms: new Uint8Array([0x30, 0x82, 0x01, 0x00]),
      personalRecoveryKeyDeviceKey: undefined,
    });
    expect(facts).toMatchObject({
      systemIntegrityProtectionEnabled: true,
      firewall: { enabled: true, blockAllIncoming: false, stealthMode: true },
      management: { enrolledViaDep: true, userApprovedEnrollment: true, isUserEnrollment: false },
      secureBootLevel: 'full',
    });
  });

  it('rejects a FileVault flag of the wrong type', () => {
    expect(() => decodeSecurityInfo({ SecurityInfo: { FDE_Enabled: 'yes' } })).toThrow(/FDE_Enabled/);
  });
});
