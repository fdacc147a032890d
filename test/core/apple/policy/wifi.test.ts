import { describe, expect, it } from 'vitest';
import { AppleTranslationError, translatePolicy } from '../../../../core/apple/policy/index.js';
import * as f from './policy-fixtures.js';

const office = {
  ssid: 'Office',
  security: 'wpa3-enterprise',
  identity: 'keep-ca',
  trustedServerNames: ['radius.example.com'],
};
const guest = { ssid: 'Guest', security: 'wpa2-personal', password: 'correct-horse', autoJoin: false };

describe('Wi-Fi on Apple devices', () => {
  it.each([
    ['iOS', f.iOS18Supervised],
    ['macOS', f.macOS12],
  ])('joins a personal network with its password on %s', (_, target) => {
    const t = f.translate({ wifi: [guest] }, target);
    expect(f.payloadsOf(t, 'com.apple.wifi.managed')).toEqual([
      expect.objectContaining({
        SSID_STR: 'Guest',
        EncryptionType: 'WPA2',
        Password: 'correct-horse',
        AutoJoin: false,
      }),
    ]);
    expect(t.profiles[0]?.containsSecrets).toBe(true);
  });

  it.each([
    ['iOS', f.iOS18Unsupervised],
    ['macOS', f.macOS15Supervised],
  ])('joins an enterprise network with EAP-TLS and an identity from Keep’s CA on %s', (_, target) => {
    const t = f.translate({ wifi: [office] }, target);
    const [scep] = f.payloadsOf(t, 'com.apple.security.scep');
    expect(scep?.PayloadContent).toMatchObject({
      URL: 'https://mdm.example.com/scep/e-1',
      Challenge: 'challenge-not-logged',
    });
    expect(f.payloadsOf(t, 'com.apple.wifi.managed')).toEqual([
      expect.objectContaining({
        SSID_STR: 'Office',
        EncryptionType: 'WPA3',
        PayloadCertificateUUID: scep?.PayloadUUID,
        EAPClientConfiguration: { AcceptEAPTypes: [13], TLSTrustedServerNames: ['radius.example.com'] },
      }),
    ]);
    expect(t.profiles[0]?.containsSecrets).toBe(true);
  });

  it('needs a SCEP request for an enterprise network', () => {
    const { scep: _, ...withoutScep } = f.context;
    expect(() => translatePolicy(f.policy({ wifi: [office] }), f.iOS18Supervised, withoutScep)).toThrow(
      AppleTranslationError,
    );
  });
});
