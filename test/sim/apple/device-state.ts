// What one simulated Mac or iPhone is: hardware facts, installed profiles, apps, certificates, FileVault, lock.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { encryptEnvelopedData } from '../../../core/cms/index.js';
import { isPlistDict, type PlistDict } from '../../../core/apple/plist-codec.js';
import type { LocalAdminAccount } from './local-admin-account.js';
import type { SigningIdentity } from './mdm-signature.js';

export type DeviceKind = 'mac' | 'iphone';

export interface InstalledProfile {
  identifier: string;
  uuid: string;
  version: number;
  displayName?: string;
  organization?: string;
  description?: string;
  removalDisallowed?: boolean;
  /** The profile's PayloadContent, as installed. */
  payloads: PlistDict[];
  /** DER of the certificates a signed profile carried (ProfileList's SignerCertificates). */
  signerCertificates: Uint8Array[];
}

export interface InstalledApp {
  identifier: string;
  name: string;
  version: string;
  shortVersion: string;
  bundleSize: number;
  managed?: boolean;
}

export interface InstalledCertificate {
  commonName: string;
  isIdentity: boolean;
  der: Uint8Array;
  /** The profile that installed it; removing the profile removes the certificate. */
  profileIdentifier?: string;
}

export interface FileVaultState {
  enabled: boolean;
  /** The personal recovery key in clear; the device only ever sends it encrypted to an escrow certificate. */
  personalRecoveryKey?: string;
  hasInstitutionalRecoveryKey: boolean;
}

export interface DeviceState {
  kind: DeviceKind;
  /** Enrolled as a User Enrollment (BYOD): the organisation sees none of the device's hardware ids. */
  userEnrollment?: boolean;
  udid: string;
  serialNumber: string;
  deviceName: string;
  model: string;
  modelName: string;
  productName: string;
  osVersion: string;
  buildVersion: string;
  imei?: string;
  wifiMac: string;
  bluetoothMac: string;
  ethernetMac?: string;
  capacityGb: number;
  availableGb: number;
  batteryLevel: number;
  supervised: boolean;
  /** By PayloadIdentifier, as a device keys them: a second install with the same identifier replaces the first. */
  profiles: Map<string, InstalledProfile>;
  apps: InstalledApp[];
  certificates: InstalledCertificate[];
  fileVault: FileVaultState;
  lock: { locked: boolean; pin?: string; message?: string };
  erased: boolean;
  poweredOff: boolean;
  restarts: number;
  /** RequestTypes this device answers with Error whatever they hold (a Mac in a state that refuses them). */
  refusing?: Set<string>;
  /** Apple silicon Macs only: the password SetRecoveryLock set (none: recoveryOS opens without one). */
  recoveryLockPassword?: string;
  /** macOS only: the token escrowed with SetBootstrapToken. */
  bootstrapToken?: Uint8Array;
  /** The last DeclarativeManagement SyncTokens the server sent (JSON). */
  declarativeSyncTokens?: unknown;
  /** Declarations the device reports invalid, by identifier, with the reason code it gives. */
  rejectedDeclarations?: Map<string, string>;
  /** Legacy declarations whose profile the last sync could not fetch or install, with the reason code. */
  failedLegacyProfiles?: Map<string, string>;
  /** Profiles installed through legacy declarations, by identifier: withdrawn with their declaration. */
  declaredProfiles?: Set<string>;
  /** In Setup Assistant after an ADE enrollment whose profile awaits DeviceConfigured. */
  awaitingConfiguration?: boolean;
  /** The identity the device enrolled with: it opens a profile encrypted to it (EncryptedPayloadContent). */
  identity?: SigningIdentity;
  /** macOS only: the admin account Setup Assistant created from AccountConfiguration. */
  localAdmin?: LocalAdminAccount;
  /** The App Store as this device finds it: what InstallApplication installs for an adam id (iTunesStoreID). */
  appStore?: ReadonlyMap<number, Omit<InstalledApp, 'managed'>>;
}

const SERIAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function serialNumber(): string {
  let serial = '';
  for (let i = 0; i < 10; i++) serial += SERIAL_ALPHABET[randomInt(SERIAL_ALPHABET.length)];
  return serial;
}

function mac(): string {
  return [...randomBytes(6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** iPhone UDIDs are `<chip id>-<ECID>`; Mac UDIDs are the hardware UUID. */
function udid(kind: DeviceKind): string {
  if (kind === 'mac') return randomUUID().toUpperCase();
  return `00008110-${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** Apple's FileVault recovery key format: six groups of four. */
export function newRecoveryKey(): string {
  return Array.from({ length: 6 }, () =>
    Array.from({ length: 4 }, () => SERIAL_ALPHABET[randomInt(SERIAL_ALPHABET.length)]).join(''),
  ).join('-');
}

export function createDeviceState(kind: DeviceKind, overrides: Partial<DeviceState> = {}): DeviceState {
  const serial = overrides.serialNumber ?? serialNumber();
  const common = {
    kind,
    udid: udid(kind),
    serialNumber: serial,
    wifiMac: mac(),
    bluetoothMac: mac(),
    profiles: new Map<string, InstalledProfile>(),
    certificates: [],
    lock: { locked: false },
    erased: false,
    poweredOff: false,
    restarts: 0,
  };
  const base: DeviceState =
    kind === 'mac'
      ? {
          ...common,
          deviceName: `Mac ${serial}`,
          model: 'Mac14,2',
          modelName: 'MacBook Air',
          productName: 'Mac14,2',
          osVersion: '14.5',
          buildVersion: '23F79',
          ethernetMac: mac(),
          capacityGb: 494.38,
          availableGb: 301.2,
          batteryLevel: 0.87,
          supervised: false,
          apps: [
            app('com.apple.Safari', 'Safari', '19618.2.12.11.6', '17.5', 220_000_000),
            app('com.microsoft.Word', 'Microsoft Word', '16.85.24051214', '16.85', 2_400_000_000),
          ],
          fileVault: {
            enabled: true,
            personalRecoveryKey: newRecoveryKey(),
            hasInstitutionalRecoveryKey: false,
          },
        }
      : {
          ...common,
          deviceName: `iPhone ${serial}`,
          model: 'MQ9T3LL/A',
          modelName: 'iPhone',
          productName: 'iPhone15,2',
          osVersion: '17.5.1',
          buildVersion: '21F90',
          imei: `35${String(randomInt(1e12)).padStart(13, '0')}`,
          capacityGb: 119.1,
          availableGb: 64.5,
          batteryLevel: 0.74,
          supervised: false,
          apps: [app('com.apple.mobilesafari', 'Safari', '8619.2.8.10.9', '17.5', 0)],
          fileVault: { enabled: false, hasInstitutionalRecoveryKey: false },
        };
  return { ...base, ...overrides };
}

function app(identifier: string, name: string, version: string, shortVersion: string, size: number) {
  return { identifier, name, version, shortVersion, bundleSize: size };
}

/** Records a parsed .mobileconfig as installed; returns what was recorded. */
export function installProfile(
  state: DeviceState,
  profile: PlistDict,
  signerCertificates: Uint8Array[] = [],
): InstalledProfile {
  const { PayloadIdentifier: identifier, PayloadUUID: uuid, PayloadContent: content } = profile;
  if (typeof identifier !== 'string' || typeof uuid !== 'string') {
    throw new TypeError('profile has no PayloadIdentifier or PayloadUUID');
  }
  const installed: InstalledProfile = {
    identifier,
    uuid,
    version: typeof profile.PayloadVersion === 'number' ? profile.PayloadVersion : 1,
    displayName: str(profile.PayloadDisplayName),
    organization: str(profile.PayloadOrganization),
    description: str(profile.PayloadDescription),
    removalDisallowed: profile.PayloadRemovalDisallowed === true ? true : undefined,
    payloads: Array.isArray(content) ? content.filter(isPlistDict) : [],
    signerCertificates,
  };
  state.profiles.set(identifier, installed);
  state.certificates = state.certificates.filter((c) => c.profileIdentifier !== identifier);
  for (const payload of installed.payloads) {
    const der = payload.PayloadContent;
    if (isCertificatePayload(payload) && der instanceof Uint8Array) {
      state.certificates.push({
        commonName: str(payload.PayloadDisplayName) ?? identifier,
        isIdentity: false,
        der,
      });
    }
  }
  return installed;
}

function isCertificatePayload(payload: PlistDict): boolean {
  return (
    payload.PayloadType === 'com.apple.security.root' || payload.PayloadType === 'com.apple.security.pkcs1'
  );
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The certificate an installed FDERecoveryKeyEscrow payload points at (EncryptCertPayloadUUID names
 * a certificate payload in the same profile), and the DeviceKey to report with the escrowed key.
 */
export function fileVaultEscrow(
  state: DeviceState,
): { certificate: Uint8Array; deviceKey?: string } | undefined {
  for (const profile of state.profiles.values()) {
    const escrow = profile.payloads.find((p) => p.PayloadType === 'com.apple.security.FDERecoveryKeyEscrow');
    if (!escrow) continue;
    const target = profile.payloads.find((p) => p.PayloadUUID === escrow.EncryptCertPayloadUUID);
    const certificate = target?.PayloadContent;
    if (certificate instanceof Uint8Array) return { certificate, deviceKey: str(escrow.DeviceKey) };
  }
  return undefined;
}

/** The recovery key as CMS EnvelopedData to `certificate`: only the holder of its private key can read it. */
export function encryptRecoveryKey(recoveryKey: string, certificate: Uint8Array): Uint8Array {
  return new Uint8Array(encryptEnvelopedData(Buffer.from(recoveryKey, 'utf8'), Buffer.from(certificate)));
}
