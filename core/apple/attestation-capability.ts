// Which Apple devices can attest an ACME identity (Managed Device Attestation), from what Keep knows of them: the
// product identifier and OS version from MachineInfo (zero-touch) or the device's own inventory. Apple supports it
// on Macs with Apple silicon from macOS 14, on iPhones and iPads with an A11 Bionic or later from iOS 16 / iPadOS
// 16.1 (com.apple.security.acme, "Attest"). A device that cannot attest gets SCEP; the decision is only a
// convenience, never a security check — a team that requires attestation gets ACME whatever the device says.

export interface AppleHardware {
  /** The product identifier, e.g. `Mac14,2`, `MacBookPro16,1`, `iPhone14,5` (MachineInfo PRODUCT, ProductName). */
  product?: string | undefined;
  /** e.g. `14.2.1` (MachineInfo OS_VERSION, OSVersion). */
  osVersion?: string | undefined;
  /** The inventory's IsAppleSilicon, when the device reported it. */
  appleSilicon?: boolean | undefined;
}

/** The first model generation with Apple silicon per Mac family (`MacBookAir10,1` is the M1 MacBook Air). */
const APPLE_SILICON_SINCE: Record<string, number> = {
  Mac: 13,
  MacBookAir: 10,
  MacBookPro: 17,
  Macmini: 9,
  iMac: 21,
};

/** The first model generation with an A11 or later (`iPhone10,1` is the iPhone 8, `iPad8,1` the A12X iPad Pro). */
const A11_SINCE: Record<string, number> = { iPhone: 10, iPad: 8 };

const MIN_OS: Record<'mac' | 'iPhone' | 'iPad', readonly number[]> = {
  mac: [14],
  iPhone: [16],
  iPad: [16, 1],
};

function atLeast(version: string | undefined, minimum: readonly number[]): boolean {
  if (!version || !/^\d+(\.\d+)*$/.test(version)) return false;
  const parts = version.split('.').map(Number);
  for (const [i, min] of minimum.entries()) {
    const part = parts[i] ?? 0;
    if (part !== min) return part > min;
  }
  return true;
}

export function canAttest(hardware: AppleHardware): boolean {
  const match = /^([A-Za-z]+)(\d+),\d+$/.exec(hardware.product ?? '');
  if (!match) return false;
  const [, family, generation] = match as unknown as [string, string, string];
  if (family in A11_SINCE)
    return (
      Number(generation) >= A11_SINCE[family]! &&
      atLeast(hardware.osVersion, MIN_OS[family as 'iPhone' | 'iPad'])
    );
  if (!(family in APPLE_SILICON_SINCE)) return false;
  const appleSilicon = hardware.appleSilicon ?? Number(generation) >= APPLE_SILICON_SINCE[family]!;
  return appleSilicon && atLeast(hardware.osVersion, MIN_OS.mac);
}
