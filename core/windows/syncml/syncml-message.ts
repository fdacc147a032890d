// OMA-DM 1.2 SyncML messages as MS-MDM §2.2 restricts them: a header, then a body of commands.

/** The MIME type of every OMA-DM message, also named as DEFAULTENCODING in the provisioning document. */
export const SYNCML_CONTENT_TYPE = 'application/vnd.syncml.dm+xml';
export const SYNCML_NAMESPACE = 'SYNCML:SYNCML1.2';
export const METINF_NAMESPACE = 'syncml:metinf';

/** Alert codes of MS-MDM §2.2.7.2. */
export const ALERT = {
  serverInitiated: '1200',
  clientInitiated: '1201',
  nextMessage: '1222',
  sessionAbort: '1223',
  clientEvent: '1224',
  genericAlert: '1226',
} as const;

export interface SyncMLHeader {
  readonly sessionId: string;
  readonly msgId: number;
  /** The recipient's LocURI: the server URL from a device, the device ID from the server. */
  readonly target: string;
  readonly source: string;
  readonly maxMsgSize?: number;
}

export interface SyncMLMeta {
  /** `chr`, `int`, `bool`, `b64`, `xml`, `node`, `null` … */
  readonly format?: string;
  /** A MIME type such as `text/plain`, or an alert type such as `com.microsoft:mdm.unenrollment.userrequest`. */
  readonly type?: string;
}

export interface SyncMLItem {
  readonly target?: string;
  readonly source?: string;
  readonly meta?: SyncMLMeta;
  readonly data?: string;
}

/** The commands that carry items and act on the device's management tree. */
export const ITEM_COMMANDS = ['Add', 'Replace', 'Delete', 'Exec', 'Get'] as const;
export type ItemCommandName = (typeof ITEM_COMMANDS)[number];

export type SyncMLCommand =
  | {
      readonly command: 'Alert';
      readonly cmdId: number;
      readonly data: string;
      readonly items: readonly SyncMLItem[];
    }
  | {
      readonly command: ItemCommandName;
      readonly cmdId: number;
      readonly meta?: SyncMLMeta;
      readonly items: readonly SyncMLItem[];
    }
  | { readonly command: 'Atomic'; readonly cmdId: number; readonly commands: readonly SyncMLCommand[] }
  | {
      readonly command: 'Results';
      readonly cmdId: number;
      readonly msgRef: number;
      readonly cmdRef: number;
      readonly items: readonly SyncMLItem[];
    }
  | {
      readonly command: 'Status';
      readonly cmdId: number;
      readonly msgRef: number;
      /** 0 when the status is for the SyncHdr. */
      readonly cmdRef: number;
      readonly cmd: string;
      /** The status code, `200` for success (OMA-DM RepPro §10). */
      readonly data: string;
      readonly targetRef?: string;
      readonly sourceRef?: string;
    };

export type SyncMLCommandName = SyncMLCommand['command'];

export const COMMAND_NAMES: readonly SyncMLCommandName[] = [
  'Alert',
  ...ITEM_COMMANDS,
  'Atomic',
  'Results',
  'Status',
];

/**
 * What Windows accepts inside an Atomic: nested Atomic and Get are refused with status 500 (MS-MDM,
 * "OMA DM protocol support"), so Keep neither sends nor accepts them.
 */
export function allowedInAtomic(command: SyncMLCommandName): boolean {
  return command !== 'Atomic' && command !== 'Get' && command !== 'Results' && command !== 'Status';
}

export interface SyncMLMessage {
  readonly header: SyncMLHeader;
  readonly commands: readonly SyncMLCommand[];
  /** Whether this is the last message of its package; without it the sender has more to send (Alert 1222). */
  readonly final: boolean;
}
