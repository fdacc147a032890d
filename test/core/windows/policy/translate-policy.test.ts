import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToPem } from '../../../../core/pki/pem.js';
import { targets, translate, wire } from './windows-policy-fixtures.js';

const DEVICE_LOCK = './Device/Vendor/MSFT/Policy/Config/DeviceLock';

describe('the Windows CSP translator', () => {
  it('turns passcode rules into DeviceLock policies, the password switch inverted as the CSP wants it', () => {
    const t = translate({
      passcode: {
        required: true,
        minLength: 12,
        requireAlphanumeric: true,
        maxFailedAttempts: 10,
        maxAgeDays: 90,
        historyCount: 5,
      },
    });
    expect(targets(t)).toEqual([
      `${DEVICE_LOCK}/DevicePasswordEnabled=0`,
      `${DEVICE_LOCK}/MinDevicePasswordLength=12`,
      `${DEVICE_LOCK}/AlphanumericDevicePasswordRequired=0`,
      `${DEVICE_LOCK}/MaxDevicePasswordFailedAttempts=10`,
      `${DEVICE_LOCK}/DevicePasswordExpiration=90`,
      `${DEVICE_LOCK}/DevicePasswordHistory=5`,
    ]);
    expect(wire(t.nodes[1]!)).toBe(
      '<Replace><CmdID>2</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength</LocURI></Target><Meta><Format xmlns="syncml:metinf">int</Format></Meta><Data>12</Data></Item></Replace>',
    );
    expect(t.notApplicable).toEqual([]);
  });

  it('reports passcode fields Windows counts differently or cannot hold, never clamping them', () => {
    const t = translate({ passcode: { minLength: 20, minComplexCharacters: 2 } });
    expect(t.nodes).toEqual([]);
    expect(t.notApplicable).toEqual([
      { setting: 'passcode.minLength', reason: 'not applicable on windows 10.0.22631.4460: accepts 4 to 16' },
      {
        setting: 'passcode.minComplexCharacters',
        reason:
          'not applicable on windows 10.0.22631.4460: MinDevicePasswordComplexCharacters counts character types (1 to 4), not characters',
      },
    ]);
  });

  it('locks the screen after the idle timeout through MaxInactivityTimeDeviceLock, and has no grace period', () => {
    const t = translate({ screenLock: { idleTimeoutMinutes: 5, gracePeriodMinutes: 1 } });
    expect(targets(t)).toEqual([`${DEVICE_LOCK}/MaxInactivityTimeDeviceLock=5`]);
    expect(t.notApplicable.map((n) => n.setting)).toEqual(['screenLock.gracePeriodMinutes']);
  });

  it('requires BitLocker and proves it by DeviceStatus, leaving recovery-key escrow reported', () => {
    const t = translate({ diskEncryption: { required: true } });
    expect(t.nodes.map((n) => [n.target, n.data, n.apply])).toEqual([
      ['./Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption', '1', 'Replace'],
      ['./Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance', '1', 'read'],
    ]);
    expect(t.notApplicable).toEqual([
      {
        setting: 'diskEncryption.escrowRecoveryKey',
        reason:
          'not applicable on windows 10.0.22631.4460: Keep imports BitLocker recovery passwords from Active Directory (directory.bitlockerImport), not by policy',
      },
    ]);
    expect(translate({ diskEncryption: { required: false } })).toEqual({ nodes: [], notApplicable: [] });
  });

  it('sets the firewall on each network profile, stealth mode inverted, proven by DeviceStatus', () => {
    const t = translate({ firewall: { enabled: true, blockAllIncoming: true, stealthMode: true } });
    expect(targets(t)).toEqual([
      ...['DomainProfile', 'PrivateProfile', 'PublicProfile'].flatMap((p) => [
        `./Vendor/MSFT/Firewall/MdmStore/${p}/EnableFirewall=true`,
        `./Vendor/MSFT/Firewall/MdmStore/${p}/Shielded=true`,
        `./Vendor/MSFT/Firewall/MdmStore/${p}/DisableStealthMode=false`,
      ]),
      './Vendor/MSFT/DeviceStatus/Firewall/Status=0',
    ]);
    expect(t.nodes.at(-1)?.apply).toBe('read');
    // A firewall the policy turns off is not proven by a status that reports it on.
    expect(targets(translate({ firewall: { enabled: false } }))).not.toContain(
      './Vendor/MSFT/DeviceStatus/Firewall/Status=0',
    );
    expect(wire(t.nodes[0]!)).toBe(
      '<Replace><CmdID>2</CmdID><Item><Target><LocURI>./Vendor/MSFT/Firewall/MdmStore/DomainProfile/EnableFirewall</LocURI></Target><Meta><Format xmlns="syncml:metinf">bool</Format></Meta><Data>true</Data></Item></Replace>',
    );
  });

  it('blocks the camera and USB writes, and reports the restrictions Windows desktop has no node for', () => {
    const t = translate({
      restrictions: {
        allowCamera: false,
        allowUsbStorage: false,
        allowAppStore: false,
        allowScreenshots: false,
      },
    });
    expect(targets(t)).toEqual([
      './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera=0',
      './Device/Vendor/MSFT/Policy/Config/Storage/RemovableDiskDenyWriteAccess=<enabled/>',
    ]);
    // The ADMX element travels escaped inside Data.
    expect(wire(t.nodes[1]!)).toContain(
      '<Format xmlns="syncml:metinf">chr</Format></Meta><Data>&lt;enabled/&gt;</Data>',
    );
    expect(t.notApplicable.map((n) => n.setting)).toEqual([
      'restrictions.allowAppStore',
      'restrictions.allowScreenshots',
    ]);
  });

  it('adds each trust anchor to the Root store under its SHA-1 thumbprint', () => {
    const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
    const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
    const t = translate({ certificates: [{ name: 'Corp Root', pem: derToPem(der, 'CERTIFICATE') }] });
    expect(t.nodes).toEqual([
      {
        setting: 'certificates',
        target: `./Device/Vendor/MSFT/RootCATrustedCertificates/Root/${thumbprint}/EncodedCertificate`,
        format: 'b64',
        data: der.toString('base64'),
        apply: 'Add',
      },
    ]);
    expect(wire(t.nodes[0]!)).toMatch(/^<Add><CmdID>2<\/CmdID>/);
  });

  it('judges a Windows OS update by the reported version, and reports one naming only other platforms', () => {
    const deadline = '2026-12-01T18:00:00';
    expect(
      translate({ osUpdates: [{ platform: 'windows', minimumVersion: '10.0.26100', deadline }] }),
    ).toEqual({
      nodes: [],
      notApplicable: [],
    });
    expect(
      translate({ osUpdates: [{ platform: 'macOS', minimumVersion: '15.2', deadline }] }).notApplicable,
    ).toEqual([
      { setting: 'osUpdates', reason: 'not applicable on windows 10.0.22631.4460: no update named for it' },
    ]);
  });

  it('reports App Store apps not applicable with the reason, never dropping them', () => {
    const t = translate({ apps: [{ bundleId: 'com.example.app', action: 'install', appStoreId: '123' }] });
    expect(t.nodes).toEqual([]);
    expect(t.notApplicable).toEqual([
      {
        setting: 'apps[0]',
        reason:
          'not applicable on windows 10.0.22631.4460: App Store apps and packages are Apple’s; Windows takes an msi entry',
      },
    ]);
  });

  it('sets raw CSP nodes as given and reports Apple payloads not applicable', () => {
    const t = translate({
      raw: {
        windows: {
          nodes: [
            {
              target: './Device/Vendor/MSFT/Policy/Config/Experience/AllowCortana',
              format: 'int',
              data: '0',
            },
          ],
        },
        apple: { profilePayloads: [{ PayloadType: 'com.apple.dock' }] },
      },
    });
    expect(targets(t)).toEqual(['./Device/Vendor/MSFT/Policy/Config/Experience/AllowCortana=0']);
    expect(t.notApplicable.map((n) => n.setting)).toEqual(['raw.apple']);
  });
});
