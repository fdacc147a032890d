// The device workflow's way to queue commands at an edge, for every platform: one activity that hands the
// commands to the device's platform.
import { ApplicationFailure } from '@temporalio/common';
import type { EnqueueCommandsInput, EnqueueCommandsResult, StartedEdgePlatform } from './platform.js';

/** As a workflow scheduled it before commands were neutral: no platform (Apple), `plist` for `payload`. */
type ReceivedCommands = Omit<EnqueueCommandsInput, 'commands'> & {
  platform?: string;
  commands: Array<
    Omit<EnqueueCommandsInput['commands'][number], 'payload'> & { payload?: string; plist?: string }
  >;
};

export function createDeviceCommandActivities(platforms: ReadonlyMap<string, StartedEdgePlatform>) {
  return {
    async enqueueCommands(input: ReceivedCommands): Promise<EnqueueCommandsResult> {
      const id = input.platform ?? 'apple';
      const platform = platforms.get(id);
      if (!platform)
        throw ApplicationFailure.nonRetryable(`no platform ${id} at this edge`, 'UnknownPlatform');
      return platform.enqueueCommands({
        enrollmentId: input.enrollmentId,
        commands: input.commands.map(({ plist, payload, ...command }) => ({
          ...command,
          payload: payload ?? plist ?? '',
        })),
      });
    },
  };
}

export type DeviceCommandActivities = ReturnType<typeof createDeviceCommandActivities>;
