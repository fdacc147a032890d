// The core's way to queue commands at an edge, for every platform: one activity for a device workflow's commands
// to one device, one for a bulk command's page (the same command to many devices), each handed to the platform.
import { ApplicationFailure } from '@temporalio/common';
import { commandFromTemplate, type CommandTemplate } from '../core/device/command-template.js';
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

export function createDeviceCommandActivities(platforms: ReadonlyMap<string, StartedEdgePlatform>) {
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
          payload: payload ?? plist ?? '',
        })),
      });
    },

    /** Enrollments this edge does not hold come back as `unknown`, for the fan-out to try its next edge. */
    async enqueueBulkCommands(input: EnqueueBulkCommandsInput): Promise<EnqueueBulkResult> {
      return platformOf(input.platform).enqueueBulk({
        commands: input.targets.map(({ enrollmentId, commandUuid }) => ({
          enrollmentId,
          ...commandFromTemplate(input.template, commandUuid),
        })),
      });
    },
  };
}

export type DeviceCommandActivities = ReturnType<typeof createDeviceCommandActivities>;
