// Reads the facts Keep keeps from a DeviceInformation result (QueryResponses).
// https://developer.apple.com/documentation/devicemanagement/deviceinformationresponse
import type { PlistDict } from '../plist-codec.js';
import { optional, required } from '../plist-fields.js';

/** The inventory fields Keep uses; everything else stays available in `raw`. */
export interface DeviceInformationFacts {
  udid?: string;
  serialNumber?: string;
  deviceName?: string;
  model?: string;
  modelName?: string;
  productName?: string;
  osVersion?: string;
  buildVersion?: string;
  deviceCapacityGb?: number;
  availableDeviceCapacityGb?: number;
  batteryLevel?: number;
  isSupervised?: boolean;
  isActivationLockEnabled?: boolean;
  isMdmLostModeEnabled?: boolean;
  awaitingConfiguration?: boolean;
  wifiMac?: string;
  bluetoothMac?: string;
  ethernetMac?: string;
  imei?: string;
  meid?: string;
  raw: PlistDict;
}

/** `result` is the `result` of an Acknowledged CommandReport. */
export function decodeDeviceInformation(result: PlistDict): DeviceInformationFacts {
  const q = required(result, 'QueryResponses', 'dictionary', 'DeviceInformation result');
  return {
    udid: optional(q, 'UDID', 'string'),
    serialNumber: optional(q, 'SerialNumber', 'string'),
    deviceName: optional(q, 'DeviceName', 'string'),
    model: optional(q, 'Model', 'string'),
    modelName: optional(q, 'ModelName', 'string'),
    productName: optional(q, 'ProductName', 'string'),
    osVersion: optional(q, 'OSVersion', 'string'),
    buildVersion: optional(q, 'BuildVersion', 'string'),
    deviceCapacityGb: number(q, 'DeviceCapacity'),
    availableDeviceCapacityGb: number(q, 'AvailableDeviceCapacity'),
    batteryLevel: number(q, 'BatteryLevel'),
    isSupervised: optional(q, 'IsSupervised', 'boolean'),
    isActivationLockEnabled: optional(q, 'IsActivationLockEnabled', 'boolean'),
    isMdmLostModeEnabled: optional(q, 'IsMDMLostModeEnabled', 'boolean'),
    awaitingConfiguration: optional(q, 'AwaitingConfiguration', 'boolean'),
    wifiMac: optional(q, 'WiFiMAC', 'string'),
    bluetoothMac: optional(q, 'BluetoothMAC', 'string'),
    ethernetMac: optional(q, 'EthernetMAC', 'string'),
    imei: optional(q, 'IMEI', 'string'),
    meid: optional(q, 'MEID', 'string'),
    raw: q,
  };
}

/** Apple types capacities as <real>, but a whole number arrives as <integer>; both are numbers here. */
function number(d: PlistDict, key: string): number | undefined {
  const value = d[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
