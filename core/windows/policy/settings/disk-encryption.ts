// Disk encryption: BitLocker CSP's RequireDeviceEncryption, proven by DeviceStatus' encryption compliance.
// https://learn.microsoft.com/windows/client-management/mdm/bitlocker-csp
// https://learn.microsoft.com/windows/client-management/mdm/devicestatus-csp
import type { PolicySettings } from '../../../policy/index.js';
import { node } from '../csp-field-map.js';
import { windowsReason, type WindowsTarget, type WindowsTranslation } from '../csp-node.js';

type DiskEncryption = NonNullable<PolicySettings['diskEncryption']>;

export const REQUIRE_DEVICE_ENCRYPTION = './Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption';
export const ENCRYPTION_COMPLIANCE = './Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance';

export function translateDiskEncryption(value: DiskEncryption, target: WindowsTarget): WindowsTranslation {
  // Not required: nothing to enforce, and Keep does not decrypt a disk someone else encrypted.
  if (!value.required) return { nodes: [], notApplicable: [] };
  const out: WindowsTranslation = {
    nodes: [
      node('diskEncryption', REQUIRE_DEVICE_ENCRYPTION, 'int', 1),
      {
        ...node('diskEncryption', ENCRYPTION_COMPLIANCE, 'int', 1, 'read'),
        // BitLocker encrypts in the background (and may wait for the user), so the policy alone proves nothing.
        unmet: 'BitLocker has not finished encrypting the system disk',
      },
    ],
    notApplicable: [],
  };
  if (value.escrowRecoveryKey !== false)
    out.notApplicable.push({
      setting: 'diskEncryption.escrowRecoveryKey',
      reason: windowsReason(
        target,
        'Keep imports BitLocker recovery passwords from Active Directory (directory.bitlockerImport), not by policy',
      ),
    });
  return out;
}
