// What a command result adds to a device's inventory: facts merged into its JSON, and the columns an admin lists by.

export interface DeviceFactsPatch {
  /** Merged into the device's facts (top-level keys replace). Inventory every role may read: never a secret. */
  facts: Record<string, unknown>;
  columns?: { name?: string; model?: string; osVersion?: string; serialNumber?: string };
}
