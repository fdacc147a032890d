import { describe, expect, it } from 'vitest';
import * as f from './policy-fixtures.js';

describe('trust anchors on Apple devices', () => {
  it.each([
    ['iOS', f.iOS18User],
    ['macOS', f.macOS12],
  ])('install each certificate as a root payload on %s', (_, target) => {
    const t = f.translate({ certificates: [{ name: 'Example Root', pem: f.certificatePem }] }, target);
    expect(f.payloadsOf(t, 'com.apple.security.root')).toEqual([
      expect.objectContaining({
        PayloadDisplayName: 'Example Root',
        PayloadCertificateFileName: 'Example_Root.cer',
        PayloadContent: f.context.escrowCertificateDer,
      }),
    ]);
    expect(t.profiles[0]?.containsSecrets).toBe(false);
  });
});
