// Picks the vault's KMS backend from the settings: the core key ring unless an HSM is configured.
import type { VaultSettings } from '../../core/config/config.schema.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import type { Kms } from '../../core/vault/kms.js';
import { pkcs11Kms } from './pkcs11-kms.js';

export function kmsFromSettings(settings: VaultSettings, keyRing: KeyRing): Kms {
  switch (settings.kms) {
    case 'key-ring':
      return keyRingKms(keyRing);
    case 'pkcs11':
      // The schema requires all four with kms pkcs11.
      return pkcs11Kms({
        library: settings.pkcs11Library!,
        tokenLabel: settings.pkcs11TokenLabel!,
        pin: settings.pkcs11Pin!,
        keyLabel: settings.pkcs11KeyLabel!,
      });
  }
}
