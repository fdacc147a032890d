// What an edge tells a device's workflow, in one envelope for every platform: `{ platform, kind, enrollmentId,
// at, data }`. Each platform's edge translates its protocol's messages into these kinds (Apple's in
// core/apple/apple-device-event.ts); the device workflow and the core's inventory read nothing else.
// Binary values travel base64-encoded; no push token, PushMagic or unlock token ever leaves the edge.

/** A command's outcome as the device reported it (the `device_commands.status` values). */
export type CommandOutcome = 'acknowledged' | 'error' | 'format-error' | 'not-now';

export interface DeviceEventData {
  /** The device proved who it is (Apple: Authenticate); `facts` are merged into its inventory. */
  authenticated: {
    /** The platform's hardware id (Apple: the UDID, or a User Enrollment's EnrollmentID). */
    hardwareId: string;
    serialNumber?: string;
    name?: string;
    model?: string;
    osVersion?: string;
    facts: Record<string, unknown>;
  };
  /** The device's management channel can be woken (Apple: TokenUpdate); a user channel does not enrol the device. */
  'channel-ready': { userChannel: boolean; awaitingConfiguration: boolean };
  /** The device left management (Apple: CheckOut). */
  'checked-out': Record<string, never>;
  /** The device used its renewed identity certificate: the edge rebound the enrollment to it. */
  'identity-renewed': { previousFingerprint: string };
  'command-report': {
    commandUuid: string;
    outcome: CommandOutcome;
    /** Command-specific result keys as JSON. */
    result?: Record<string, unknown>;
    /** Instead of `result` when it holds a secret: sealed to the core (core/device/sealed-command-result.ts). */
    sealedResult?: string;
    errorChain?: unknown[];
  };
  /** The device reported state unasked (Apple: a declarative status report); merged into its inventory. */
  'facts-reported': { facts: Record<string, unknown> };
}

export type DeviceEventKind = keyof DeviceEventData;

export type DeviceEvent = {
  [K in DeviceEventKind]: {
    /** The id of the platform whose edge produced the event (`EdgePlatform.id`, `CorePlatform.id`). */
    platform: string;
    kind: K;
    enrollmentId: string;
    at: string;
    data: DeviceEventData[K];
  };
}[DeviceEventKind];
