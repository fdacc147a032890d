// What a simulated device answers to each MDM command: one handler per RequestType, results from its state.
// https://developer.apple.com/documentation/devicemanagement/commands-and-queries
import { randomUUID } from 'node:crypto';
import { verifySignedData } from '../../../core/cms/index.js';
import {
  isPlistDict,
  parsePlistDict,
  type PlistDict,
  type PlistValue,
} from '../../../core/apple/plist-codec.js';
import type { RequestType } from '../../../core/apple/commands/index.js';
import type { PolicyRequestType } from '../../../core/apple/policy/index.js';
import {
  encryptRecoveryKey,
  fileVaultEscrow,
  installProfile,
  newRecoveryKey,
  type DeviceState,
  type InstalledApp,
  type InstalledProfile,
} from './device-state.js';
import { deviceInformation } from './device-information.js';
import { readPasswordHash } from './local-admin-account.js';
import { openEncryptedProfile } from './open-encrypted-profile.js';

export type CommandStatus = 'Acknowledged' | 'Error' | 'CommandFormatError' | 'NotNow';

export interface CommandOutcome {
  status: CommandStatus;
  /** Result keys sent beside Status, CommandUUID and UDID. */
  result: PlistDict;
  errorChain?: PlistDict[];
  /** What the device does once the answer is delivered. */
  after?: 'erase' | 'shut-down' | 'restart' | 'declarative-sync';
}

type Handler = (command: PlistDict, state: DeviceState) => CommandOutcome;

const ok = (result: PlistDict = {}, after?: CommandOutcome['after']): CommandOutcome =>
  after ? { status: 'Acknowledged', result, after } : { status: 'Acknowledged', result };

/** https://developer.apple.com/documentation/devicemanagement/errorchainitem */
export function errorOutcome(
  domain: string,
  code: number,
  description: string,
  status: 'Error' | 'CommandFormatError' = 'Error',
): CommandOutcome {
  return {
    status,
    result: {},
    errorChain: [
      {
        ErrorCode: code,
        ErrorDomain: domain,
        LocalizedDescription: description,
        USEnglishDescription: description,
      },
    ],
  };
}

const formatError = (description: string) =>
  errorOutcome('MCMDMErrorDomain', 12001, description, 'CommandFormatError');
const macOnly = (type: string) =>
  errorOutcome('MCMDMErrorDomain', 12021, `${type} is not supported on this device`);

/** Hardware ids Apple's schema forbids a User Enrollment to query: the device leaves them out of its answer. */
const HIDDEN_FROM_USER_ENROLLMENT = new Set([
  'UDID',
  'SerialNumber',
  'IMEI',
  'MEID',
  'ICCID',
  'WiFiMAC',
  'BluetoothMAC',
  'EthernetMAC',
  'PhoneNumber',
]);

/**
 * The table: a new RequestType in core/apple/commands, or a command the policy translator emits, fails to compile
 * until it has a handler here.
 */
const handlers: { [T in RequestType | PolicyRequestType]: Handler } = {
  DeviceInformation: (command, state) => {
    const queries = command.Queries;
    if (!Array.isArray(queries) || queries.some((q) => typeof q !== 'string')) {
      return formatError('Queries must be an array of strings');
    }
    const asked = (queries as string[]).filter(
      (q) => !state.userEnrollment || !HIDDEN_FROM_USER_ENROLLMENT.has(q),
    );
    return ok({ QueryResponses: deviceInformation(state, asked) });
  },
  SecurityInfo: (_command, state) => ok({ SecurityInfo: securityInfo(state) }),
  ProfileList: (_command, state) =>
    ok({ ProfileList: [...state.profiles.values()].map((p) => profileItem(p, state)) }),
  InstallProfile: (command, state) => {
    const payload = command.Payload;
    if (!(payload instanceof Uint8Array)) return formatError('Payload must be data');
    return installProfileBytes(state, payload);
  },
  RemoveProfile: (command, state) => {
    const identifier = command.Identifier;
    if (typeof identifier !== 'string') return formatError('Identifier must be a string');
    const profile = state.profiles.get(identifier);
    if (!profile)
      return errorOutcome('MCProfileErrorDomain', 1003, `The profile “${identifier}” is not installed.`);
    if (profile.payloads.some((p) => p.PayloadType === 'com.apple.mdm')) {
      return errorOutcome(
        'MCProfileErrorDomain',
        4002,
        'The MDM profile cannot be removed with RemoveProfile.',
      );
    }
    removeProfile(state, identifier);
    return ok();
  },
  InstalledApplicationList: (command, state) => {
    const wanted = Array.isArray(command.Identifiers) ? new Set(command.Identifiers) : undefined;
    const apps = state.apps.filter(
      (app) =>
        (!wanted || wanted.has(app.identifier)) && (command.ManagedAppsOnly !== true || app.managed === true),
    );
    return ok({
      InstalledApplicationList: apps.map((app) => {
        const item: PlistDict = {
          Identifier: app.identifier,
          Name: app.name,
          Version: app.version,
          ShortVersion: app.shortVersion,
          Installing: false,
        };
        if (state.kind === 'mac') item.BundleSize = app.bundleSize;
        else Object.assign(item, { DynamicSize: app.bundleSize, IsValidated: true, AppStoreVendable: true });
        return item;
      }),
    });
  },
  CertificateList: (_command, state) =>
    ok({
      CertificateList: state.certificates.map((c) => ({
        CommonName: c.commonName,
        IsIdentity: c.isIdentity,
        Data: c.der,
      })),
    }),
  DeviceLock: (command, state) => {
    const pin = command.PIN;
    if (pin !== undefined && (typeof pin !== 'string' || !/^[0-9]{6}$/.test(pin))) {
      return formatError('PIN must be six digits');
    }
    state.lock = {
      locked: true,
      ...(state.kind === 'mac' && typeof pin === 'string' ? { pin } : {}),
      ...(typeof command.Message === 'string' ? { message: command.Message } : {}),
    };
    return ok();
  },
  EraseDevice: (_command, _state) => ok({}, 'erase'),
  RotateFileVaultKey: (command, state) => {
    if (state.kind !== 'mac') return macOnly('RotateFileVaultKey');
    if (command.KeyType !== 'personal' && command.KeyType !== 'institutional') {
      return formatError('KeyType must be personal or institutional');
    }
    if (!isPlistDict(command.FileVaultUnlock)) return formatError('FileVaultUnlock is required');
    if (!state.fileVault.enabled) return errorOutcome('MDMClientError', 72, 'FileVault is not enabled.');
    if (command.KeyType === 'institutional') {
      return errorOutcome('MDMClientError', 73, 'This Mac has no institutional recovery key.');
    }
    if (command.FileVaultUnlock.Password !== state.fileVault.personalRecoveryKey)
      return errorOutcome('MDMClientError', 74, 'The FileVault unlock credential is not correct.');
    const key = newRecoveryKey();
    state.fileVault.personalRecoveryKey = key;
    const reply = command.ReplyEncryptionCertificate;
    return ok(
      reply instanceof Uint8Array
        ? { RotateResult: { EncryptedNewRecoveryKey: encryptRecoveryKey(key, reply) } }
        : {},
    );
  },
  // A Mac with a Recovery Lock password changes it only when given that password.
  SetRecoveryLock: (command, state) => {
    if (state.kind !== 'mac') return macOnly('SetRecoveryLock');
    if (typeof command.NewPassword !== 'string') return formatError('NewPassword must be a string');
    if (state.recoveryLockPassword && command.CurrentPassword !== state.recoveryLockPassword)
      return errorOutcome('MDMClientError', 70, 'The current Recovery Lock password is not correct.');
    state.recoveryLockPassword = command.NewPassword || undefined;
    return ok();
  },
  VerifyRecoveryLock: (command, state) => {
    if (state.kind !== 'mac') return macOnly('VerifyRecoveryLock');
    if (typeof command.Password !== 'string') return formatError('Password must be a string');
    return ok({ PasswordVerified: state.recoveryLockPassword === command.Password });
  },
  // Setup Assistant creates the first account it is given, once, and only while it awaits configuration.
  AccountConfiguration: (command, state) => {
    if (state.kind !== 'mac') return macOnly('AccountConfiguration');
    if (!state.awaitingConfiguration)
      return errorOutcome('MCMDMErrorDomain', 12021, 'The device is not awaiting configuration.');
    const accounts = command.AutoSetupAdminAccounts;
    if (accounts === undefined) return ok();
    const first = Array.isArray(accounts) ? accounts[0] : undefined;
    if (!isPlistDict(first) || typeof first.shortName !== 'string')
      return formatError('AutoSetupAdminAccounts must hold a dictionary with a shortName');
    const hash = readPasswordHash(first.passwordHash);
    if (typeof hash === 'string') return formatError(hash);
    state.localAdmin = {
      guid: randomUUID().toUpperCase(),
      shortName: first.shortName,
      hidden: first.hidden === true,
      hash,
    };
    return ok();
  },
  SetAutoAdminPassword: (command, state) => {
    if (state.kind !== 'mac') return macOnly('SetAutoAdminPassword');
    if (typeof command.GUID !== 'string') return formatError('GUID must be a string');
    const hash = readPasswordHash(command.passwordHash);
    if (typeof hash === 'string') return formatError(hash);
    if (!state.localAdmin || state.localAdmin.guid !== command.GUID)
      return errorOutcome('MDMClientError', 80, 'No admin account created during enrollment has this GUID.');
    state.localAdmin = { ...state.localAdmin, hash };
    return ok();
  },
  DeclarativeManagement: (command, state) => {
    if (command.Data !== undefined) {
      if (!(command.Data instanceof Uint8Array)) return formatError('Data must be data');
      try {
        state.declarativeSyncTokens = JSON.parse(Buffer.from(command.Data).toString('utf8'));
      } catch {
        return formatError('Data is not JSON');
      }
    }
    return ok({}, 'declarative-sync');
  },
  RestartDevice: (_command, _state) => ok({}, 'restart'),
  ShutDownDevice: (_command, _state) => ok({}, 'shut-down'),
  DeviceConfigured: (_command, state) => {
    // Only meaningful in Setup Assistant; elsewhere Apple's devices answer it with an error.
    if (!state.awaitingConfiguration)
      return errorOutcome('MCMDMErrorDomain', 12021, 'The device is not awaiting configuration.');
    state.awaitingConfiguration = false;
    return ok();
  },
  // The app installs at once: a real device downloads it first, and lists it meanwhile with Installing.
  InstallApplication: (command, state) => {
    const adamId = command.iTunesStoreID;
    if (typeof adamId !== 'number') return formatError('iTunesStoreID must be an integer');
    const found = state.appStore?.get(adamId);
    if (!found) return errorOutcome('MCMDMErrorDomain', 12024, `The app ${adamId} could not be found.`);
    return ok(installApp(state, found));
  },
  InstallEnterpriseApplication: (command, state) => {
    const manifest = command.Manifest;
    const item = isPlistDict(manifest) && Array.isArray(manifest.items) ? manifest.items[0] : undefined;
    const metadata = isPlistDict(item) && isPlistDict(item.metadata) ? item.metadata : {};
    const identifier = metadata['bundle-identifier'];
    if (typeof identifier !== 'string') return formatError('Manifest must name a bundle-identifier');
    const declared = metadata['bundle-version'];
    const version = typeof declared === 'string' ? declared : '1.0';
    installApp(state, { identifier, name: identifier, version, shortVersion: version, bundleSize: 0 });
    return ok();
  },
  RemoveApplication: (command, state) => {
    const identifier = command.Identifier;
    if (typeof identifier !== 'string') return formatError('Identifier must be a string');
    const installed = state.apps.find((a) => a.identifier === identifier);
    // Only apps the MDM installed may be removed by it.
    if (!installed?.managed)
      return errorOutcome('MCMDMErrorDomain', 12029, `The app “${identifier}” is not managed.`);
    state.apps = state.apps.filter((a) => a !== installed);
    return ok();
  },
  // The update installs and the device restarts into it: its next DeviceInformation reports the new version.
  ScheduleOSUpdate: (command, state) => {
    if (!state.supervised) return errorOutcome('MCMDMErrorDomain', 12070, 'The device is not supervised.');
    const updates = Array.isArray(command.Updates) ? command.Updates : [];
    const results = updates.filter(isPlistDict).map((update) => {
      if (typeof update.ProductVersion === 'string') state.osVersion = update.ProductVersion;
      return { ProductKey: `update-${state.osVersion}`, InstallAction: 'InstallASAP', Status: 'Installing' };
    });
    if (results.length > 0) state.restarts++;
    return ok({ UpdateResults: results });
  },
};

/** Installs (or replaces) an app as managed; the answer InstallApplication gives. */
function installApp(state: DeviceState, app: Omit<InstalledApp, 'managed'>): PlistDict {
  state.apps = [...state.apps.filter((a) => a.identifier !== app.identifier), { ...app, managed: true }];
  return { Identifier: app.identifier, State: 'Managed' };
}

/** Answers one command dictionary (the `Command` of the server's plist). */
export function respondToCommand(command: PlistDict, state: DeviceState): CommandOutcome {
  const type = command.RequestType;
  if (typeof type !== 'string') return formatError('RequestType is missing');
  if (!Object.hasOwn(handlers, type)) {
    return errorOutcome('MCMDMErrorDomain', 12021, `Unknown command “${type}”.`);
  }
  if (state.refusing?.has(type))
    return errorOutcome('MDMClientError', 1, `${type} cannot be carried out at this time.`);
  return handlers[type as RequestType](command, state);
}

/**
 * Installs a .mobileconfig as the device does, from InstallProfile or from a legacy declaration's ProfileURL:
 * signed (DER) or not, never an MDM payload.
 */
export function installProfileBytes(state: DeviceState, payload: Uint8Array): CommandOutcome {
  let profile: PlistDict;
  let signers: Uint8Array[] = [];
  try {
    // A signed profile is DER (starts with a SEQUENCE tag); an unsigned one is an XML plist.
    if (payload[0] === 0x30) {
      const verified = verifySignedData(payload);
      signers = verified.certificates.map((der) => new Uint8Array(der));
      profile = parsePlistDict(verified.content);
    } else {
      profile = parsePlistDict(payload);
    }
    // A profile encrypted to this device opens with its identity, or not at all.
    profile = openEncryptedProfile(profile, state.identity);
  } catch {
    return errorOutcome('MCProfileErrorDomain', 1000, 'The profile could not be read.');
  }
  if (!Array.isArray(profile.PayloadContent) || typeof profile.PayloadIdentifier !== 'string') {
    return errorOutcome('MCProfileErrorDomain', 1000, 'The profile is missing required fields.');
  }
  if (profile.PayloadContent.some((p) => isPlistDict(p) && p.PayloadType === 'com.apple.mdm')) {
    return errorOutcome(
      'MCProfileErrorDomain',
      4001,
      'An MDM payload cannot be installed with InstallProfile.',
    );
  }
  const installed = installProfile(state, profile, signers);
  applyPayloadEffects(state, installed.payloads);
  return ok();
}

export function removeProfile(state: DeviceState, identifier: string): boolean {
  const removed = state.profiles.delete(identifier);
  state.certificates = state.certificates.filter((c) => c.profileIdentifier !== identifier);
  return removed;
}

/** A FileVault payload that says Enable=On turns FileVault on, with a fresh personal recovery key. */
function applyPayloadEffects(state: DeviceState, payloads: PlistDict[]): void {
  if (state.kind !== 'mac') return;
  const fileVault = payloads.find((p) => p.PayloadType === 'com.apple.MCX.FileVault2');
  if (fileVault?.Enable === 'On' && !state.fileVault.enabled) {
    state.fileVault = { ...state.fileVault, enabled: true, personalRecoveryKey: newRecoveryKey() };
  }
}

function securityInfo(state: DeviceState): PlistDict {
  if (state.kind === 'iphone') {
    return {
      HardwareEncryptionCaps: 3,
      PasscodePresent: true,
      PasscodeCompliant: true,
      PasscodeCompliantWithProfiles: true,
      PasscodeLockGracePeriodEnforced: 0,
      ManagementStatus: { IsUserEnrollment: false },
    };
  }
  const { fileVault } = state;
  const info: PlistDict = {
    FDE_Enabled: fileVault.enabled,
    FDE_HasPersonalRecoveryKey: fileVault.enabled && fileVault.personalRecoveryKey !== undefined,
    FDE_HasInstitutionalRecoveryKey: fileVault.hasInstitutionalRecoveryKey,
    SystemIntegrityProtectionEnabled: true,
    FirewallSettings: { FirewallEnabled: true, BlockAllIncoming: false, StealthMode: false },
    ManagementStatus: { EnrolledViaDEP: false, UserApprovedEnrollment: true, IsUserEnrollment: false },
    SecureBoot: { SecureBootLevel: 'full', ExternalBootLevel: 'disallowed' },
    AuthenticatedRootVolumeEnabled: true,
    BootstrapTokenAllowedForAuthentication: state.bootstrapToken ? 'allowed' : 'disallowed',
    BootstrapTokenRequiredForSoftwareUpdate: false,
    BootstrapTokenRequiredForKernelExtensionApproval: false,
    IsRecoveryLockEnabled: state.recoveryLockPassword !== undefined,
    RemoteDesktopEnabled: false,
  };
  // The key leaves the Mac only encrypted to the escrow certificate of an installed escrow payload.
  const escrow = fileVault.enabled && fileVault.personalRecoveryKey ? fileVaultEscrow(state) : undefined;
  if (escrow && fileVault.personalRecoveryKey) {
    info.FDE_PersonalRecoveryKeyCMS = encryptRecoveryKey(fileVault.personalRecoveryKey, escrow.certificate);
    info.FDE_PersonalRecoveryKeyDeviceKey = escrow.deviceKey ?? state.serialNumber;
  }
  return info;
}

function profileItem(profile: InstalledProfile, state: DeviceState): PlistDict {
  const item: PlistDict = {
    PayloadIdentifier: profile.identifier,
    PayloadUUID: profile.uuid,
    PayloadVersion: profile.version,
    HasRemovalPasscode: false,
    IsEncrypted: false,
    PayloadContent: profile.payloads.map((p) => {
      const entry: PlistDict = {
        PayloadType: text(p.PayloadType),
        PayloadVersion: typeof p.PayloadVersion === 'number' ? p.PayloadVersion : 1,
        PayloadIdentifier: text(p.PayloadIdentifier),
        PayloadUUID: text(p.PayloadUUID),
      };
      if (typeof p.PayloadDisplayName === 'string') entry.PayloadDisplayName = p.PayloadDisplayName;
      return entry;
    }),
  };
  const optional: [string, PlistValue | undefined][] = [
    ['PayloadDisplayName', profile.displayName],
    ['PayloadOrganization', profile.organization],
    ['PayloadDescription', profile.description],
    ['PayloadRemovalDisallowed', profile.removalDisallowed],
  ];
  for (const [key, value] of optional) if (value !== undefined) item[key] = value;
  if (profile.signerCertificates.length > 0) item.SignerCertificates = profile.signerCertificates;
  if (state.kind === 'iphone') item.IsManaged = true;
  return item;
}

function text(value: PlistValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
