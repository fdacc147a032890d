// Disk encryption: FileVault on, kept on, and its personal recovery key escrowed to Keep (macOS only).
// https://developer.apple.com/documentation/devicemanagement/filevault
import type { PolicySettings } from '../../../policy/index.js';
import { loadAppleSchema } from '../../schemas/apple-schema.js';
import { supportReason } from '../apple-support.js';
import { AppleTranslationError } from '../apple-translation-error.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

type DiskEncryption = NonNullable<PolicySettings['diskEncryption']>;

export function translateDiskEncryption(value: DiskEncryption, env: SettingEnv): SettingOutput {
  // Not requiring encryption asks for nothing: Keep never turns FileVault off.
  if (!value.required) return {};
  // iPhones and iPads encrypt their storage always; there is nothing to enforce or escrow.
  const reason = supportReason(env.target, loadAppleSchema('mdm/profiles/com.apple.MCX.FileVault2.yaml'));
  if (reason) return { notApplicable: [{ setting: 'diskEncryption', reason }] };
  const payloads = [
    env.payload('diskEncryption.filevault', 'com.apple.MCX.FileVault2', 'FileVault', {
      Enable: 'On',
      // Turned on at the next logout, where the user's password can unlock the volume.
      Defer: true,
      UseRecoveryKey: true,
      ShowRecoveryKey: false,
    }),
    env.payload('diskEncryption.keep-on', 'com.apple.MCX', 'FileVault options', {
      dontAllowFDEDisable: true,
    }),
  ];
  if (value.escrowRecoveryKey ?? true) {
    const certificate = env.context.escrowCertificateDer;
    if (!certificate) {
      throw new AppleTranslationError(
        'diskEncryption.escrowRecoveryKey needs the escrow certificate in the context',
      );
    }
    const certificatePayload = env.payload(
      'diskEncryption.escrow-certificate',
      'com.apple.security.pkcs1',
      'Keep escrow',
      {
        PayloadCertificateFileName: 'keep-escrow.cer',
        PayloadContent: certificate,
      },
    );
    payloads.push(
      certificatePayload,
      // The device encrypts the recovery key to Keep's escrow certificate; only the core can read it.
      env.payload(
        'diskEncryption.escrow',
        'com.apple.security.FDERecoveryKeyEscrow',
        'FileVault key escrow',
        {
          Location: env.context.organization,
          EncryptCertPayloadUUID: certificatePayload.PayloadUUID!,
        },
      ),
    );
  }
  return { payloads };
}
