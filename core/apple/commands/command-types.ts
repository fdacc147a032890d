// The MDM commands Keep sends, with typed parameters per RequestType.
// https://developer.apple.com/documentation/devicemanagement/commands-and-queries
import type { PlistDict } from '../plist-codec.js';

export type ObliterationBehavior = 'Default' | 'DoNotObliterate' | 'ObliterateWithWarning' | 'Always';

export interface CommandParams {
  /** https://developer.apple.com/documentation/devicemanagement/deviceinformationcommand */
  DeviceInformation: { queries: string[] };
  /** https://developer.apple.com/documentation/devicemanagement/securityinfocommand */
  SecurityInfo: Record<never, never>;
  /** https://developer.apple.com/documentation/devicemanagement/profilelistcommand */
  ProfileList: { managedOnly?: boolean };
  /** https://developer.apple.com/documentation/devicemanagement/installprofilecommand */
  InstallProfile: { payload: Uint8Array };
  /** https://developer.apple.com/documentation/devicemanagement/removeprofilecommand */
  RemoveProfile: { identifier: string };
  /** https://developer.apple.com/documentation/devicemanagement/installedapplicationlistcommand */
  InstalledApplicationList: { identifiers?: string[]; managedAppsOnly?: boolean };
  /** https://developer.apple.com/documentation/devicemanagement/certificatelistcommand */
  CertificateList: { managedOnly?: boolean };
  /** https://developer.apple.com/documentation/devicemanagement/devicelockcommand */
  DeviceLock: { pin?: string; message?: string; phoneNumber?: string };
  /** https://developer.apple.com/documentation/devicemanagement/erasedevicecommand */
  EraseDevice: {
    pin?: string;
    preserveDataPlan?: boolean;
    disallowProximitySetup?: boolean;
    obliterationBehavior?: ObliterationBehavior;
  };
  /** https://developer.apple.com/documentation/devicemanagement/rotatefilevaultkeycommand */
  RotateFileVaultKey: {
    keyType: 'personal' | 'institutional';
    fileVaultUnlock: { password?: string; privateKeyExport?: Uint8Array; privateKeyExportPassword?: string };
    newCertificate?: Uint8Array;
    /** The escrow certificate: the device encrypts the new recovery key to it, so only the core can read it. */
    replyEncryptionCertificate?: Uint8Array;
  };
  /** https://developer.apple.com/documentation/devicemanagement/declarativemanagementcommand */
  DeclarativeManagement: { data?: Uint8Array };
  /** https://developer.apple.com/documentation/devicemanagement/restartdevicecommand */
  RestartDevice: { notifyUser?: boolean; rebuildKernelCache?: boolean; kextPaths?: string[] };
  /** https://developer.apple.com/documentation/devicemanagement/shutdowndevicecommand */
  ShutDownDevice: Record<never, never>;
}

export type RequestType = keyof CommandParams;

/** What a caller asks for: `{ requestType: 'DeviceLock', pin: '123456' }`. */
export type CommandSpec = { [T in RequestType]: { requestType: T } & CommandParams[T] }[RequestType];

/** The command plist body: https://developer.apple.com/documentation/devicemanagement/commands-and-queries */
export interface MdmCommand {
  CommandUUID: string;
  Command: PlistDict & { RequestType: string };
}
