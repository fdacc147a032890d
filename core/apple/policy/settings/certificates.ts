// Trust anchors: each certificate as a root certificate payload.
// https://developer.apple.com/documentation/devicemanagement/certificateroot
import type { PolicySettings } from '../../../policy/index.js';
import { pemBlocks } from '../../../pki/pem.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

type Certificates = NonNullable<PolicySettings['certificates']>;

export function translateCertificates(certificates: Certificates, env: SettingEnv): SettingOutput {
  return {
    payloads: certificates.map((c, i) =>
      env.payload(`certificates.${i}`, 'com.apple.security.root', c.name, {
        PayloadCertificateFileName: `${c.name.replace(/[^A-Za-z0-9._-]/g, '_')}.cer`,
        PayloadContent: new Uint8Array(pemBlocks(c.pem, 'CERTIFICATE')[0]!),
      }),
    ),
  };
}
