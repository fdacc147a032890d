// What every platform translator reports for a setting the device cannot enforce, rather than dropping it.

export interface NotApplicable {
  /** The policy path, e.g. `restrictions.allowAppStore`. */
  setting: string;
  reason: string;
}
