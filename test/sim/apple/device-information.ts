// Answers DeviceInformation queries from a simulated device's state, per platform as Apple documents them.
// https://developer.apple.com/documentation/devicemanagement/deviceinformationcommand/command/queries
import type { PlistDict, PlistValue } from '../../../core/apple/plist-codec.js';
import type { DeviceState } from './device-state.js';

type Query = (state: DeviceState) => PlistValue | undefined;

const common: Record<string, Query> = {
  UDID: (s) => s.udid,
  DeviceName: (s) => s.deviceName,
  OSVersion: (s) => s.osVersion,
  BuildVersion: (s) => s.buildVersion,
  ModelName: (s) => s.modelName,
  Model: (s) => s.model,
  ProductName: (s) => s.productName,
  SerialNumber: (s) => s.serialNumber,
  DeviceCapacity: (s) => s.capacityGb,
  AvailableDeviceCapacity: (s) => s.availableGb,
  BatteryLevel: (s) => s.batteryLevel,
  IsSupervised: (s) => s.supervised,
  IsActivationLockEnabled: () => false,
  AwaitingConfiguration: (s) => s.awaitingConfiguration ?? false,
  WiFiMAC: (s) => s.wifiMac,
  BluetoothMAC: (s) => s.bluetoothMac,
};

const byKind: Record<DeviceState['kind'], Record<string, Query>> = {
  mac: {
    ...common,
    EthernetMAC: (s) => s.ethernetMac,
    HasBattery: () => true,
    IsAppleSilicon: () => true,
    SystemIntegrityProtectionEnabled: () => true,
    LocalHostName: (s) => s.deviceName.replace(/[^A-Za-z0-9-]/g, '-'),
    HostName: (s) => `${s.deviceName.replace(/[^A-Za-z0-9-]/g, '-')}.local`,
    PINRequiredForDeviceLock: () => false,
    PINRequiredForEraseDevice: () => false,
    AutoSetupAdminAccounts: (s) =>
      s.localAdmin ? [{ GUID: s.localAdmin.guid, shortName: s.localAdmin.shortName }] : [],
  },
  iphone: {
    ...common,
    IMEI: (s) => s.imei,
    IsMDMLostModeEnabled: () => false,
    IsDeviceLocatorServiceEnabled: () => true,
    IsMultiUser: () => false,
    IsCloudBackupEnabled: () => false,
    TimeZone: () => 'Europe/Berlin',
  },
};

/** Unknown or unavailable queries are left out of QueryResponses, as devices do. */
export function deviceInformation(state: DeviceState, queries: string[]): PlistDict {
  const table = byKind[state.kind];
  const responses: PlistDict = {};
  for (const query of queries) {
    const answer = Object.hasOwn(table, query) ? table[query]?.(state) : undefined;
    if (answer !== undefined) responses[query] = answer;
  }
  return responses;
}
