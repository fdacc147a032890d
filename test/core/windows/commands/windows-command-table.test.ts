import { describe, expect, it } from 'vitest';
import { holdsSecretValues, isSecretNode } from '../../../../core/windows/commands/windows-command-table.js';

describe('secret nodes of the Windows command table', () => {
  it('marks every node of the LAPS, BitLocker and RemoteLock CSPs, device or user scoped, in any case', () => {
    for (const path of [
      './Device/Vendor/MSFT/LAPS/Actions/ResetPassword',
      './Vendor/MSFT/BitLocker/RecoveryPassword',
      './User/Vendor/MSFT/RemoteLock/NewPINValue',
      './device/vendor/msft/laps/Policies/PasswordLength',
    ])
      expect(isSecretNode(path), path).toBe(true);
  });

  it('leaves other nodes, and CSPs whose name only begins alike, in clear', () => {
    for (const path of [
      './DevInfo/Man',
      './Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength',
      './Device/Vendor/MSFT/BitLockerStatus/Anything',
      './Vendor/MSFT/Firewall/MdmStore/DomainProfile/EnableFirewall',
    ])
      expect(isSecretNode(path), path).toBe(false);
  });

  it('finds a secret among the values a Get read', () => {
    expect(holdsSecretValues({ values: { './DevInfo/Man': 'x', './Vendor/MSFT/LAPS/X': 'y' } })).toBe(true);
    expect(holdsSecretValues({ values: { './DevInfo/Man': 'x' } })).toBe(false);
    expect(holdsSecretValues({})).toBe(false);
  });
});
