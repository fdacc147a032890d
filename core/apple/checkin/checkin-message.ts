// The check-in messages a device sends to the CheckInURL, as one tagged union on MessageType.
// https://developer.apple.com/documentation/devicemanagement/check-in
import type { EnrollmentRef, UserChannel } from '../message-identity.js';

export type { EnrollmentRef, UserChannel };

interface CheckinBase {
  enrollment: EnrollmentRef;
  /** Undefined on the device channel. */
  user?: UserChannel;
  topic?: string;
}

/** https://developer.apple.com/documentation/devicemanagement/authenticaterequest */
export interface AuthenticateMessage extends CheckinBase {
  messageType: 'Authenticate';
  topic: string;
  deviceName?: string;
  model?: string;
  modelName?: string;
  osVersion?: string;
  buildVersion?: string;
  productName?: string;
  serialNumber?: string;
  imei?: string;
  meid?: string;
}

/** https://developer.apple.com/documentation/devicemanagement/tokenupdaterequest */
export interface TokenUpdateMessage extends CheckinBase {
  messageType: 'TokenUpdate';
  topic: string;
  token: Uint8Array;
  pushMagic: string;
  unlockToken?: Uint8Array;
  awaitingConfiguration: boolean;
  notOnConsole?: boolean;
}

/** https://developer.apple.com/documentation/devicemanagement/checkoutrequest */
export interface CheckOutMessage extends CheckinBase {
  messageType: 'CheckOut';
  topic: string;
}

/**
 * https://developer.apple.com/documentation/devicemanagement/userauthenticaterequest
 * The first request has no DigestResponse; the second answers the server's DigestChallenge.
 */
export interface UserAuthenticateMessage extends CheckinBase {
  messageType: 'UserAuthenticate';
  user: UserChannel & { userId: string };
  digestResponse?: string;
}

/**
 * https://developer.apple.com/documentation/devicemanagement/setbootstraptokenrequest
 * An absent or empty token means the device asks the server to forget its bootstrap token.
 */
export interface SetBootstrapTokenMessage extends CheckinBase {
  messageType: 'SetBootstrapToken';
  bootstrapToken?: Uint8Array;
  awaitingConfiguration: boolean;
}

/** https://developer.apple.com/documentation/devicemanagement/getbootstraptokenrequest */
export interface GetBootstrapTokenMessage extends CheckinBase {
  messageType: 'GetBootstrapToken';
  awaitingConfiguration: boolean;
}

/** https://developer.apple.com/documentation/devicemanagement/declarativemanagementrequest */
export interface DeclarativeManagementMessage extends CheckinBase {
  messageType: 'DeclarativeManagement';
  /** `tokens`, `declaration-items`, `status`, or `declaration/<type>/<identifier>`. */
  endpoint: string;
  /** JSON body (the status report for `status`). */
  data?: Uint8Array;
}

/** https://developer.apple.com/documentation/devicemanagement/gettokenrequest */
export interface GetTokenMessage extends CheckinBase {
  messageType: 'GetToken';
  tokenServiceType: string;
  tokenParameters?: { securityToken?: string; phoneUdid?: string; watchUdid?: string };
}

export type CheckinMessage =
  | AuthenticateMessage
  | TokenUpdateMessage
  | CheckOutMessage
  | UserAuthenticateMessage
  | SetBootstrapTokenMessage
  | GetBootstrapTokenMessage
  | DeclarativeManagementMessage
  | GetTokenMessage;

export type CheckinMessageType = CheckinMessage['messageType'];
