// The push capability the edge depends on: wake devices by token and learn, per device, what APNs said.
// https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns

/** One device to wake. Both values are secrets in logs. */
export interface PushTarget {
  /** The device's push token as lowercase or uppercase hex, as sent in TokenUpdate (decoded from base64). */
  token: string;
  /** The PushMagic string from TokenUpdate; the device ignores pushes without it. */
  pushMagic: string;
}

export type PushOutcome =
  | { token: string; status: 'sent'; apnsId: string }
  /** APNs says the token is no longer valid for the topic (410); `timestamp` is ms since the epoch when known. */
  | { token: string; status: 'unregistered'; timestamp: number | undefined }
  | { token: string; status: 'bad-token' }
  /** APNs was throttling or unavailable through every attempt; try again later. */
  | { token: string; status: 'retry-later'; reason: string }
  | { token: string; status: 'failed'; reason: string; httpStatus: number | undefined };

export type PushStatus = PushOutcome['status'];

export interface PushSender {
  /** Sends one push per target; answers one outcome per target, in the same order. Never rejects per target. */
  send(topic: string, targets: readonly PushTarget[]): Promise<PushOutcome[]>;
  close(): Promise<void>;
}
