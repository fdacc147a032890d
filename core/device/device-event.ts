// What the edge tells a device's workflow: check-in events and command reports, as plain JSON.
// Binary values travel base64-encoded; no push token, PushMagic or unlock token ever leaves the edge.

export type DeviceEvent =
  | {
      kind: 'authenticated';
      enrollmentId: string;
      at: string;
      udid: string;
      serialNumber?: string;
      deviceName?: string;
      model?: string;
      modelName?: string;
      osVersion?: string;
      buildVersion?: string;
      productName?: string;
    }
  | { kind: 'token-updated'; enrollmentId: string; at: string; user: boolean; awaitingConfiguration: boolean }
  | { kind: 'checked-out'; enrollmentId: string; at: string }
  /** The device used its renewed identity certificate: the edge rebound the enrollment to it. */
  | { kind: 'identity-renewed'; enrollmentId: string; at: string; previousFingerprint: string }
  | {
      kind: 'command-report';
      enrollmentId: string;
      at: string;
      commandUuid: string;
      status: 'Acknowledged' | 'Error' | 'CommandFormatError' | 'NotNow';
      /** Command-specific result keys as JSON. */
      result?: Record<string, unknown>;
      errorChain?: unknown[];
    }
  | { kind: 'declarative-status'; enrollmentId: string; at: string; report: unknown };

export type DeviceEventKind = DeviceEvent['kind'];
