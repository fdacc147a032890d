// Apple on the core side: its inventory commands, how its results become facts, and its own activities
// (the APNs certificate import, bootstrap-token and FileVault key escrow).
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import { appleResultFacts } from '../../core/apple/commands/result-facts.js';
import { carriesFileVaultKey } from '../../core/apple/filevault-recovery-key.js';
import type { CorePlatform } from '../platform.js';
import { createBootstrapTokenActivities } from './bootstrap-token.activities.js';
import { createFileVaultEscrowActivities } from './filevault-escrow.activities.js';
import { createFileVaultRotationActivities } from './filevault-rotation.activities.js';
import { createPushCertificateActivities } from './push-certificate.activities.js';

/** What Keep asks every new Apple device for, so its inventory is the device's own answer. */
export const INVENTORY_QUERIES = [
  'DeviceName',
  'Model',
  'ModelName',
  'ProductName',
  'OSVersion',
  'BuildVersion',
  'SerialNumber',
  'UDID',
  'IsSupervised',
  'IsActivationLockEnabled',
  'AvailableDeviceCapacity',
  'DeviceCapacity',
  // Recovery Lock exists on Apple silicon Macs only.
  'IsAppleSilicon',
  // The GUID of the managed admin on a zero-touch Mac (SetAutoAdminPassword names it); others answer nothing.
  'AutoSetupAdminAccounts',
];

export const appleCorePlatform: CorePlatform = {
  id: 'apple',
  activities: (deps) => ({
    ...createPushCertificateActivities(deps),
    ...createBootstrapTokenActivities(deps),
    ...createFileVaultEscrowActivities(deps),
    ...createFileVaultRotationActivities(deps),
  }),
  inventoryCommands: () =>
    [
      buildCommand({ requestType: 'DeviceInformation', queries: INVENTORY_QUERIES }),
      buildCommand({ requestType: 'SecurityInfo' }),
    ].map((command) => ({
      commandUuid: command.CommandUUID,
      requestType: command.Command.RequestType,
      payload: serializeCommand(command),
    })),
  resultFacts: appleResultFacts,
  carriesEscrowedSecret: carriesFileVaultKey,
};
