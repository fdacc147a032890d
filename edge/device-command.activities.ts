// The core's way to queue commands at an edge, for every platform: one activity for a device workflow's commands
// to one device, one for a bulk command's page (the same command to many devices), each handed to the platform;
// and the edge's sealing public key, to which the admin API seals commands that carry a secret.
import { ApplicationFailure } from '@temporalio/common';
import { edgeSealingKey } from '../core/crypto/edge-sealing-key.js';
import type { KeyRing } from '../core/crypto/key-ring.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import { commandFromTemplate, type CommandTemplate } from '../core/device/command-template.js';
import { openCommandPayload } from '../core/device/sealed-command-payload.js';
import type {
  EnqueueBulkResult,
  EnqueueCommandsInput,
  EnqueueCommandsResult,
  StartedEdgePlatform,
} from './platform.js';

export interface EnqueueBulkCommandsInput {
  platform: string;
  /** Built once by the platform; each target's copy carries its own command UUID. */
  template: CommandTemplate;
  targets: Array<{ enrollmentId: string; commandUuid: string }>;
}

/** As a workflow scheduled it before commands were neutral: no platform (Apple), `plist` for `payload`. */
type ReceivedCommands = Omit<EnqueueCommandsInput, 'commands'> & {
  platform?: string;
  commands: Array<
    Omit<EnqueueCommandsInput['commands'][number], 'payload'> & { payload?: string; plist?: string }
  >;
};

export function createDeviceCommandActivities(
  platforms: ReadonlyMap<string, StartedEdgePlatform>,
  keyRing: KeyRing,
) {
  const sealing = edgeSealingKey(keyRing);
  /** A payload that does not open (another edge's key, tampering) is never queued: retrying cannot help. */
  function opened(payload: string, commandUuid: string): string {
    try {
      return openCommandPayload(sealing, payload, commandUuid);
    } catch (cause) {
      throw ApplicationFailure.create({
        message: `command ${commandUuid}: its sealed payload does not open with this edge's key`,
        type: 'SealedPayloadRefused',
        nonRetryable: true,
        cause: cause as Error,
      });
    }
  }

  function platformOf(id: string): StartedEdgePlatform {
    const platform = platforms.get(id);
    if (!platform) throw ApplicationFailure.nonRetryable(`no platform ${id} at this edge`, 'UnknownPlatform');
    return platform;
  }

  return {
    async enqueueCommands(input: ReceivedCommands): Promise<EnqueueCommandsResult> {
      return platformOf(input.platform ?? 'apple').enqueueCommands({
        enrollmentId: input.enrollmentId,
        commands: input.commands.map(({ plist, payload, ...command }) => ({
          ...command,
          payload: opened(payload ?? plist ?? '', command.commandUuid),
        })),
      });
    },

    /** Enrollments this edge does not hold come back as `unknown`, for the fan-out to try its next edge. */
    async enqueueBulkCommands(input: EnqueueBulkCommandsInput): Promise<EnqueueBulkResult> {
      const template = {
        ...input.template,
        payload: opened(input.template.payload, input.template.placeholderUuid),
      };
      return platformOf(input.platform).enqueueBulk({
        commands: input.targets.map(({ enrollmentId, commandUuid }) => ({
          enrollmentId,
          ...commandFromTemplate(template, commandUuid),
        })),
      });
    },

    /** The public half only (`edgeSealingKeyWorkflow` hands it to the admin API); the private half never leaves. */
    async edgeSealingRecipient(): Promise<BoxRecipient> {
      return sealing.recipient;
    },
  };
}

export type DeviceCommandActivities = ReturnType<typeof createDeviceCommandActivities>;
