import { describe, expect, it } from 'vitest';
import { translatePolicy, AppleTranslationError } from '../../../../core/apple/policy/index.js';
import * as f from './policy-fixtures.js';

describe('disk encryption on Apple devices', () => {
  it('turns FileVault on, keeps it on and escrows the recovery key to Keep on macOS', () => {
    const t = f.translate({ diskEncryption: { required: true } }, f.macOS15Unsupervised);
    const [profile] = t.profiles;
    expect(profile?.payloads.map((p) => p.PayloadType)).toEqual([
      'com.apple.MCX.FileVault2',
      'com.apple.MCX',
      'com.apple.security.pkcs1',
      'com.apple.security.FDERecoveryKeyEscrow',
    ]);
    const [enable, keepOn, certificate, escrow] = profile!.payloads;
    expect(enable).toMatchObject({ Enable: 'On', Defer: true, UseRecoveryKey: true, ShowRecoveryKey: false });
    expect(keepOn).toMatchObject({ dontAllowFDEDisable: true });
    expect(certificate?.PayloadContent).toEqual(f.context.escrowCertificateDer);
    expect(escrow).toMatchObject({
      EncryptCertPayloadUUID: certificate?.PayloadUUID,
      Location: 'Example Corp',
    });
    expect(t.notApplicable).toEqual([]);
  });

  it('leaves the escrow payloads out when escrow is turned off', () => {
    const t = f.translate(
      { diskEncryption: { required: true, escrowRecoveryKey: false } },
      f.macOS15Supervised,
    );
    expect(t.profiles[0]?.payloads.map((p) => p.PayloadType)).toEqual([
      'com.apple.MCX.FileVault2',
      'com.apple.MCX',
    ]);
  });

  it('asks nothing when encryption is not required, and never turns FileVault off', () => {
    const t = f.translate({ diskEncryption: { required: false } }, f.macOS15Supervised);
    expect(t).toEqual({ declarations: [], profiles: [], commands: [], notApplicable: [] });
  });

  it('is reported not applicable on iOS, which always encrypts', () => {
    const t = f.translate({ diskEncryption: { required: true } }, f.iOS18Supervised);
    expect(t.profiles).toEqual([]);
    expect(t.notApplicable).toEqual([
      { setting: 'diskEncryption', reason: 'not applicable on iOS 18.1: iOS has no such setting' },
    ]);
  });

  it('refuses to escrow without the escrow certificate', () => {
    const { escrowCertificateDer: _, ...withoutEscrow } = f.context;
    expect(() =>
      translatePolicy(f.policy({ diskEncryption: { required: true } }), f.macOS15Supervised, withoutEscrow),
    ).toThrow(AppleTranslationError);
  });
});
