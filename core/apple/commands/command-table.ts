// Every Apple command Keep sends, declared once: its parameters, how it is built, whether a help desk may send it,
// which result keys are secret, and what its result adds to the device's facts. The other lists are views of this.
// https://developer.apple.com/documentation/devicemanagement/commands-and-queries
import { z } from 'zod';
import type { DeviceFactsPatch } from '../../device/device-facts.js';
import type { PlistDict, PlistValue } from '../plist-codec.js';
import { InvalidCommandError } from './command-error.js';
import { appleObject, base64, pin, text } from './command-params.js';
import { decodeDeviceInformation } from './device-information.js';
import { decodeSecurityInfo } from './security-info.js';

/** A path of dictionary keys into a command's result (the report's keys past its envelope). */
export type ResultPath = readonly string[];

/** iOS stands for iPadOS too: Apple's schemas give one entry for both. */
export type UserEnrollmentOs = 'iOS' | 'macOS';

export interface AppleCommand<S extends z.ZodType = z.ZodType> {
  /** JSON parameters (binary as base64), under Apple's key names or camelCase; unknown keys are refused by name. */
  params: S;
  build: (params: z.output<S>) => PlistDict;
  /** Queries and a lock: what a help desk needs to help a user, nothing that loses data or changes config. */
  helpdesk: boolean;
  /**
   * Where a User Enrollment (BYOD) accepts it: Apple forbids device-wide commands (erase, restart, recovery lock…)
   * on a personal device, and some (DeviceLock, the app list) only on iOS/iPadOS. From Apple's schemas
   * (`supportedOS.<os>.userenrollment.mode`).
   */
  userEnrollment: readonly UserEnrollmentOs[];
  /** Result values hidden from roles that may not see secrets. Ciphertext counts: its reveal is audited. */
  secretResults: readonly ResultPath[];
  /**
   * Its parameters may hold a secret (a PIN, a password, a profile's credentials): the admin API seals the command
   * to the edge before it enters Temporal, and the edge keeps it sealed at rest until it is delivered.
   */
  carriesSecret?: true;
  /**
   * What an Acknowledged result adds to the device's facts. `result` has its secrets removed (the typed decoders
   * read it); `visible` has them replaced by a marker, and is what the facts keep.
   */
  facts?: (result: PlistDict, visible: Record<string, unknown>) => DeviceFactsPatch;
}

/** Keeps the parameter type of each entry tied to its schema. */
const command = <S extends z.ZodType>(declared: AppleCommand<S>) => declared;

/** Drops undefined values: a plist has no null, and an absent key means "device default". */
function keys(entries: Record<string, PlistValue | undefined>): PlistDict {
  const out: PlistDict = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

/** The schemas check this for the admin API; the builders check it again for callers in code. */
function checkPin(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[0-9]{6}$/.test(value))
    throw new InvalidCommandError('PIN must be six digits');
  return value;
}

const managedOnly = appleObject({ managedOnly: z.boolean().optional() });

/** The list a list query answers, kept whole under the command's camelCase name (`profileList`). */
function listFacts(requestType: string) {
  const key = requestType[0]!.toLowerCase() + requestType.slice(1);
  return (_result: PlistDict, visible: Record<string, unknown>): DeviceFactsPatch => ({
    facts: { [key]: visible[requestType] ?? [] },
  });
}

export const appleCommands = {
  /** https://developer.apple.com/documentation/devicemanagement/deviceinformationcommand */
  DeviceInformation: command({
    params: appleObject({ queries: z.array(text.min(1)).min(1) }),
    build: (p) => {
      if (p.queries.length === 0) throw new InvalidCommandError('DeviceInformation needs at least one query');
      return { Queries: [...p.queries] };
    },
    helpdesk: true,
    userEnrollment: ['iOS', 'macOS'],
    /** Not a documented query, but a device that answers it hands over the activation lock bypass code. */
    secretResults: [['QueryResponses', 'ActivationLockBypassCode']],
    facts: (result, visible) => {
      const info = decodeDeviceInformation(result);
      return {
        facts: { deviceInformation: visible.QueryResponses },
        columns: {
          name: info.deviceName,
          model: info.modelName ?? info.model,
          osVersion: info.osVersion,
          serialNumber: info.serialNumber,
        },
      };
    },
  }),
  /** https://developer.apple.com/documentation/devicemanagement/securityinfocommand */
  SecurityInfo: command({
    params: appleObject({}),
    build: () => ({}),
    helpdesk: true,
    userEnrollment: ['iOS', 'macOS'],
    /** The FileVault personal recovery key, encrypted to the escrow certificate. */
    secretResults: [['SecurityInfo', 'FDE_PersonalRecoveryKeyCMS']],
    facts: (result, visible) => {
      decodeSecurityInfo(result);
      return { facts: { securityInfo: visible.SecurityInfo } };
    },
  }),
  /** https://developer.apple.com/documentation/devicemanagement/profilelistcommand */
  ProfileList: command({
    params: managedOnly,
    build: (p) => keys({ ManagedOnly: p.managedOnly }),
    helpdesk: true,
    userEnrollment: ['iOS', 'macOS'],
    secretResults: [],
    facts: listFacts('ProfileList'),
  }),
  /** https://developer.apple.com/documentation/devicemanagement/installprofilecommand */
  InstallProfile: command({
    params: appleObject({ payload: base64 }),
    build: (p) => {
      if (p.payload.byteLength === 0)
        throw new InvalidCommandError('InstallProfile needs a non-empty Payload');
      return { Payload: p.payload };
    },
    helpdesk: false,
    userEnrollment: ['iOS', 'macOS'],
    carriesSecret: true,
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/removeprofilecommand */
  RemoveProfile: command({
    params: appleObject({ identifier: text.min(1) }),
    build: (p) => {
      if (!p.identifier) throw new InvalidCommandError('RemoveProfile needs an Identifier');
      return { Identifier: p.identifier };
    },
    helpdesk: false,
    userEnrollment: ['iOS', 'macOS'],
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/installedapplicationlistcommand */
  InstalledApplicationList: command({
    params: appleObject({
      identifiers: z.array(text.min(1)).optional(),
      managedAppsOnly: z.boolean().optional(),
    }),
    build: (p) =>
      keys({ Identifiers: p.identifiers && [...p.identifiers], ManagedAppsOnly: p.managedAppsOnly }),
    helpdesk: true,
    userEnrollment: ['iOS'],
    secretResults: [],
    facts: listFacts('InstalledApplicationList'),
  }),
  /** https://developer.apple.com/documentation/devicemanagement/certificatelistcommand */
  CertificateList: command({
    params: managedOnly,
    build: (p) => keys({ ManagedOnly: p.managedOnly }),
    helpdesk: true,
    userEnrollment: ['iOS', 'macOS'],
    secretResults: [],
    facts: listFacts('CertificateList'),
  }),
  /** https://developer.apple.com/documentation/devicemanagement/devicelockcommand */
  DeviceLock: command({
    params: appleObject(
      { pin: pin.optional(), message: text.max(1000).optional(), phoneNumber: text.max(100).optional() },
      { pin: 'PIN' },
    ),
    build: (p) => keys({ PIN: checkPin(p.pin), Message: p.message, PhoneNumber: p.phoneNumber }),
    helpdesk: true,
    userEnrollment: ['iOS'],
    carriesSecret: true,
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/erasedevicecommand */
  EraseDevice: command({
    params: appleObject(
      {
        pin: pin.optional(),
        preserveDataPlan: z.boolean().optional(),
        disallowProximitySetup: z.boolean().optional(),
        obliterationBehavior: z
          .enum(['Default', 'DoNotObliterate', 'ObliterateWithWarning', 'Always'])
          .optional(),
      },
      { pin: 'PIN' },
    ),
    build: (p) =>
      keys({
        PIN: checkPin(p.pin),
        PreserveDataPlan: p.preserveDataPlan,
        DisallowProximitySetup: p.disallowProximitySetup,
        ObliterationBehavior: p.obliterationBehavior,
      }),
    helpdesk: false,
    userEnrollment: [],
    carriesSecret: true,
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/rotatefilevaultkeycommand */
  RotateFileVaultKey: command({
    params: appleObject({
      keyType: z.enum(['personal', 'institutional']),
      fileVaultUnlock: appleObject({
        password: text.optional(),
        privateKeyExport: base64.optional(),
        privateKeyExportPassword: text.optional(),
      }),
      newCertificate: base64.optional(),
      /** The escrow certificate: the device encrypts the new recovery key to it, so only the core can read it. */
      replyEncryptionCertificate: base64.optional(),
    }),
    build: (p) =>
      keys({
        KeyType: p.keyType,
        FileVaultUnlock: keys({
          Password: p.fileVaultUnlock.password,
          PrivateKeyExport: p.fileVaultUnlock.privateKeyExport,
          PrivateKeyExportPassword: p.fileVaultUnlock.privateKeyExportPassword,
        }),
        NewCertificate: p.newCertificate,
        ReplyEncryptionCertificate: p.replyEncryptionCertificate,
      }),
    helpdesk: false,
    userEnrollment: [],
    carriesSecret: true,
    secretResults: [['RotateResult', 'EncryptedNewRecoveryKey']],
  }),
  /**
   * Sets (or, with the current password, changes) the password that guards recoveryOS on an Apple silicon Mac.
   * https://developer.apple.com/documentation/devicemanagement/setrecoverylockcommand
   */
  SetRecoveryLock: command({
    params: appleObject({ currentPassword: text.optional(), newPassword: text }),
    build: (p) => keys({ CurrentPassword: p.currentPassword, NewPassword: p.newPassword }),
    helpdesk: false,
    userEnrollment: [],
    carriesSecret: true,
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/verifyrecoverylockcommand */
  VerifyRecoveryLock: command({
    params: appleObject({ password: text }),
    build: (p) => ({ Password: p.password }),
    helpdesk: false,
    userEnrollment: [],
    carriesSecret: true,
    secretResults: [],
  }),
  /**
   * Has Setup Assistant create a local admin account on an ADE Mac awaiting configuration; Keep's zero-touch
   * enrollment sends it with the managed admin whose password the vault holds.
   * https://developer.apple.com/documentation/devicemanagement/accountconfigurationcommand
   */
  AccountConfiguration: command({
    params: appleObject({
      skipPrimarySetupAccountCreation: z.boolean().optional(),
      setPrimarySetupAccountAsRegularUser: z.boolean().optional(),
      autoSetupAdminAccounts: z
        .array(
          appleObject(
            {
              shortName: text.min(1),
              fullName: text.optional(),
              passwordHash: base64.optional(),
              hidden: z.boolean().optional(),
            },
            // Apple spells these keys in camelCase.
            { shortName: 'shortName', fullName: 'fullName', passwordHash: 'passwordHash', hidden: 'hidden' },
          ),
        )
        .optional(),
      managedLocalUserShortName: text.optional(),
    }),
    build: (p) =>
      keys({
        SkipPrimarySetupAccountCreation: p.skipPrimarySetupAccountCreation,
        SetPrimarySetupAccountAsRegularUser: p.setPrimarySetupAccountAsRegularUser,
        AutoSetupAdminAccounts: p.autoSetupAdminAccounts?.map((account) =>
          keys({
            shortName: account.shortName,
            fullName: account.fullName,
            passwordHash: account.passwordHash,
            hidden: account.hidden,
          }),
        ),
        ManagedLocalUserShortName: p.managedLocalUserShortName,
      }),
    helpdesk: false,
    userEnrollment: [],
    /** A password hash is a secret too: whoever holds it can guess offline. */
    carriesSecret: true,
    secretResults: [],
  }),
  /**
   * Changes the password of the admin account AccountConfiguration created (named by its GUID).
   * https://developer.apple.com/documentation/devicemanagement/setautoadminpasswordcommand
   */
  SetAutoAdminPassword: command({
    params: appleObject(
      { guid: text.min(1), passwordHash: base64 },
      { guid: 'GUID', passwordHash: 'passwordHash' },
    ),
    build: (p) => ({ GUID: p.guid, passwordHash: p.passwordHash }),
    helpdesk: false,
    userEnrollment: [],
    carriesSecret: true,
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/declarativemanagementcommand */
  DeclarativeManagement: command({
    params: appleObject({ data: base64.optional() }),
    build: (p) => keys({ Data: p.data }),
    helpdesk: false,
    userEnrollment: ['iOS', 'macOS'],
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/restartdevicecommand */
  RestartDevice: command({
    params: appleObject({
      notifyUser: z.boolean().optional(),
      rebuildKernelCache: z.boolean().optional(),
      kextPaths: z.array(text.min(1)).optional(),
    }),
    build: (p) =>
      keys({
        NotifyUser: p.notifyUser,
        RebuildKernelCache: p.rebuildKernelCache,
        KextPaths: p.kextPaths && [...p.kextPaths],
      }),
    helpdesk: false,
    userEnrollment: [],
    secretResults: [],
  }),
  /** https://developer.apple.com/documentation/devicemanagement/shutdowndevicecommand */
  ShutDownDevice: command({
    params: appleObject({}),
    build: () => ({}),
    helpdesk: false,
    userEnrollment: [],
    secretResults: [],
  }),
  /**
   * Lets a device in Setup Assistant's AwaitingConfiguration go on; Keep's zero-touch enrollment sends it.
   * https://developer.apple.com/documentation/devicemanagement/deviceconfiguredcommand
   */
  DeviceConfigured: command({
    params: appleObject({}),
    build: () => ({}),
    helpdesk: false,
    userEnrollment: [],
    secretResults: [],
  }),
};

/**
 * RequestTypes Keep has no builder for but an admin may send as a raw plist: only what their results hide.
 * Keyed by Apple's name, like the table, since a result is matched by the RequestType the device answered.
 */
export const rawCommandSecretResults: Readonly<Record<string, readonly ResultPath[]>> = {
  /** https://developer.apple.com/documentation/devicemanagement/activationlockbypasscodecommand */
  ActivationLockBypassCode: [['ActivationLockBypassCode']],
  /** https://developer.apple.com/documentation/devicemanagement/requestunlocktokencommand */
  RequestUnlockToken: [['UnlockToken']],
};

export type RequestType = keyof typeof appleCommands;

export function isRequestType(value: string): value is RequestType {
  return Object.hasOwn(appleCommands, value);
}
