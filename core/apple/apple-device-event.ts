// Apple's check-in and command reports as device events: the shape the Apple edge writes (and every edge
// wrote before events were platform-neutral), and its translation into the neutral envelope.
import type { CommandOutcome, DeviceEvent } from '../device/device-event.js';

export type AppleDeviceEvent =
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
      /** A User Enrollment: it sent an EnrollmentID, so `udid` holds that and the device's hardware ids stay hidden. */
      userEnrollment?: true;
    }
  | { kind: 'token-updated'; enrollmentId: string; at: string; user: boolean; awaitingConfiguration: boolean }
  | { kind: 'checked-out'; enrollmentId: string; at: string }
  | { kind: 'identity-renewed'; enrollmentId: string; at: string; previousFingerprint: string }
  | {
      kind: 'command-report';
      enrollmentId: string;
      at: string;
      commandUuid: string;
      status: 'Acknowledged' | 'Error' | 'CommandFormatError' | 'NotNow';
      result?: Record<string, unknown>;
      sealedResult?: string;
      errorChain?: unknown[];
    }
  | { kind: 'declarative-status'; enrollmentId: string; at: string; report: unknown };

const OUTCOMES: Record<Extract<AppleDeviceEvent, { kind: 'command-report' }>['status'], CommandOutcome> = {
  Acknowledged: 'acknowledged',
  Error: 'error',
  CommandFormatError: 'format-error',
  NotNow: 'not-now',
};

export function appleDeviceEvent(event: AppleDeviceEvent): DeviceEvent {
  const envelope = { platform: 'apple', enrollmentId: event.enrollmentId, at: event.at };
  switch (event.kind) {
    case 'authenticated':
      return {
        ...envelope,
        kind: 'authenticated',
        data: {
          hardwareId: event.udid,
          ...(event.serialNumber === undefined ? {} : { serialNumber: event.serialNumber }),
          ...(event.deviceName === undefined ? {} : { name: event.deviceName }),
          ...((event.modelName ?? event.model) === undefined
            ? {}
            : { model: event.modelName ?? event.model }),
          ...(event.osVersion === undefined ? {} : { osVersion: event.osVersion }),
          // The whole message, as the inventory has always kept it.
          facts: { authenticate: event },
        },
      };
    case 'token-updated':
      return {
        ...envelope,
        kind: 'channel-ready',
        data: { userChannel: event.user, awaitingConfiguration: event.awaitingConfiguration },
      };
    case 'checked-out':
      return { ...envelope, kind: 'checked-out', data: {} };
    case 'identity-renewed':
      return {
        ...envelope,
        kind: 'identity-renewed',
        data: { previousFingerprint: event.previousFingerprint },
      };
    case 'command-report':
      return {
        ...envelope,
        kind: 'command-report',
        data: {
          commandUuid: event.commandUuid,
          outcome: OUTCOMES[event.status],
          ...(event.result ? { result: event.result } : {}),
          ...(event.sealedResult ? { sealedResult: event.sealedResult } : {}),
          ...(event.errorChain ? { errorChain: event.errorChain } : {}),
        },
      };
    case 'declarative-status':
      return { ...envelope, kind: 'facts-reported', data: { facts: { declarativeStatus: event.report } } };
    default: {
      const unknown: never = event;
      // Only the kind: an event carries the UDID and serial, which never go into an error message.
      throw new Error(`unknown Apple device event kind ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
}
