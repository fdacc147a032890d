// Builds command plists from typed parameters, one builder per RequestType, or from a raw dictionary.
import { randomUUID } from 'node:crypto';
import { buildPlist, isPlistDict, type PlistDict, type PlistValue } from '../plist-codec.js';
import { isPlistText, NOT_PLIST_TEXT } from '../plist-text.js';
import type { CommandParams, CommandSpec, MdmCommand, RequestType } from './command-types.js';

/** An admin or policy asked for a command Keep cannot send; not retryable. */
export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Drops undefined values: a plist has no null, and an absent key means "device default". */
function keys(entries: Record<string, PlistValue | undefined>): PlistDict {
  const out: PlistDict = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

const builders: { [T in RequestType]: (p: CommandParams[T]) => PlistDict } = {
  DeviceInformation: (p) => {
    if (p.queries.length === 0) throw new InvalidCommandError('DeviceInformation needs at least one query');
    return { Queries: [...p.queries] };
  },
  SecurityInfo: () => ({}),
  ProfileList: (p) => keys({ ManagedOnly: p.managedOnly }),
  InstallProfile: (p) => {
    if (p.payload.byteLength === 0) throw new InvalidCommandError('InstallProfile needs a non-empty Payload');
    return { Payload: p.payload };
  },
  RemoveProfile: (p) => {
    if (!p.identifier) throw new InvalidCommandError('RemoveProfile needs an Identifier');
    return { Identifier: p.identifier };
  },
  InstalledApplicationList: (p) =>
    keys({ Identifiers: p.identifiers && [...p.identifiers], ManagedAppsOnly: p.managedAppsOnly }),
  CertificateList: (p) => keys({ ManagedOnly: p.managedOnly }),
  DeviceLock: (p) => keys({ PIN: checkPin(p.pin), Message: p.message, PhoneNumber: p.phoneNumber }),
  EraseDevice: (p) =>
    keys({
      PIN: checkPin(p.pin),
      PreserveDataPlan: p.preserveDataPlan,
      DisallowProximitySetup: p.disallowProximitySetup,
      ObliterationBehavior: p.obliterationBehavior,
    }),
  RotateFileVaultKey: (p) =>
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
  DeclarativeManagement: (p) => keys({ Data: p.data }),
  RestartDevice: (p) =>
    keys({
      NotifyUser: p.notifyUser,
      RebuildKernelCache: p.rebuildKernelCache,
      KextPaths: p.kextPaths && [...p.kextPaths],
    }),
  ShutDownDevice: () => ({}),
};

/** macOS lock and erase take a six-digit Find My PIN; anything else the device would reject later. */
function checkPin(pin: string | undefined): string | undefined {
  if (pin !== undefined && !/^[0-9]{6}$/.test(pin)) throw new InvalidCommandError('PIN must be six digits');
  return pin;
}

export function buildCommand(spec: CommandSpec, commandUuid: string = randomUUID()): MdmCommand {
  const { requestType, ...params } = spec;
  if (!Object.hasOwn(builders, requestType)) {
    throw new InvalidCommandError(`unknown RequestType ${JSON.stringify(requestType)}`);
  }
  // The union is correlated by requestType; TypeScript cannot follow that through the table lookup.
  const build = builders[requestType] as (p: typeof params) => PlistDict;
  return { CommandUUID: commandUuid, Command: { RequestType: requestType, ...build(params) } };
}

/**
 * Wraps a command dictionary written by an admin (e.g. one Keep has no builder for). Only the
 * envelope is checked here; the device answers CommandFormatError for anything else wrong.
 */
export function buildRawCommand(command: unknown, commandUuid: string = randomUUID()): MdmCommand {
  if (!isPlistDict(command as PlistValue)) throw new InvalidCommandError('raw command must be a dictionary');
  const dict = command as PlistDict;
  const requestType = dict.RequestType;
  if (typeof requestType !== 'string' || requestType.trim() === '') {
    throw new InvalidCommandError('raw command must have a non-empty string RequestType');
  }
  assertPlistValue(dict, 'Command');
  return { CommandUUID: commandUuid, Command: { ...dict, RequestType: requestType } };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function assertPlistValue(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (!isPlistText(value)) throw new InvalidCommandError(`${path} ${NOT_PLIST_TEXT}`);
    return;
  }
  if (typeof value === 'boolean' || value instanceof Uint8Array || value instanceof Date) {
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidCommandError(`${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) return value.forEach((v, i) => assertPlistValue(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw new InvalidCommandError(`${path}.${key} is not an allowed key`);
      if (!isPlistText(key)) throw new InvalidCommandError(`a key in ${path} ${NOT_PLIST_TEXT}`);
      assertPlistValue(v, `${path}.${key}`);
    }
    return;
  }
  throw new InvalidCommandError(`${path} is not a plist value`);
}

export function serializeCommand(command: MdmCommand): string {
  return buildPlist(command as unknown as PlistDict);
}
