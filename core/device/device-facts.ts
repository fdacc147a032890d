// What a command's result adds to a device's inventory: facts to merge, and the columns the list view shows.

export interface DeviceFactsPatch {
  /** Merged into `devices.facts` (top-level keys replace what was there). */
  facts: Record<string, unknown>;
  /** Set only where given: the device's own answer replaces the value from its first check-in. */
  columns?: { name?: string; model?: string; osVersion?: string; serialNumber?: string };
}
