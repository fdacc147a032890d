// What the Windows translator gives back: the CSP nodes a policy sets (or only reads), and what Windows cannot do.
// https://learn.microsoft.com/windows/client-management/mdm/configuration-service-provider-reference
import type { NotApplicable } from '../../policy/not-applicable.js';

/** Meta/Format of a node's value (MS-MDM §2.2.1; OMA-DM TND). */
export type CspFormat = 'int' | 'bool' | 'chr' | 'b64' | 'xml';

export interface CspNode {
  /** The top-level policy setting the node enforces, e.g. `passcode`. */
  setting: string;
  /** The node's LocURI. */
  target: string;
  format: CspFormat;
  /** The value the policy wants, as the device reports it back from a Get. */
  data: string;
  /**
   * `Replace` for a node its CSP defines (the device creates it if unset); `Add` for one the command itself
   * creates (a certificate under its thumbprint); `Exec` for an operation the PC runs on after the session (an
   * MSI install: Add creates the node, Exec starts it); `read` for a status node that only proves the setting.
   */
  apply: 'Replace' | 'Add' | 'Exec' | 'read';
  /** For a `read` node: why the setting fails while the node reports another value. */
  unmet?: string;
  /** For a `read` node: the reason for a value the CSP documents, in place of `unmet`. */
  reasons?: Readonly<Record<string, string>>;
  /** For an `Exec` node: the nodes that report how the operation goes, read in place of the node itself. */
  progress?: ExecProgress;
}

/** An MSI install's nodes (see `msi-status.ts` for what its status values mean). */
export interface ExecProgress {
  /** What the operation installs, as an admin names it (the MSI product code). */
  subject: string;
  status: string;
  /** The node holding the error code of a failure. */
  lastError: string;
}

/** The PC a policy is translated for, as its inventory describes it. */
export interface WindowsTarget {
  osVersion: string;
}

export interface WindowsTranslation {
  nodes: CspNode[];
  notApplicable: NotApplicable[];
}

/** One setting's translator; `notApplicable` paths are `<setting>` or `<setting>.<field>`. */
export type WindowsSettingTranslator<T> = (value: T, target: WindowsTarget) => WindowsTranslation;

/** "not applicable on windows <version>: <why>", the shape every platform reports. */
export function windowsReason(target: WindowsTarget, why: string): string {
  return `not applicable on windows ${target.osVersion}: ${why}`;
}
