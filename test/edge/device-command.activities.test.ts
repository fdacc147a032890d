// The edge opens a command the admin API sealed to it before its platform queues it, and refuses one it cannot open.
import { ApplicationFailure } from '@temporalio/common';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { edgeSealingKey } from '../../core/crypto/edge-sealing-key.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { sealCommandPayload } from '../../core/device/sealed-command-payload.js';
import { createDeviceCommandActivities } from '../../edge/device-command.activities.js';
import type { EnqueueBulkInput, EnqueueCommandsInput, StartedEdgePlatform } from '../../edge/platform.js';

/** A platform that records what it was asked to queue. */
function recordingPlatform() {
  const single: EnqueueCommandsInput[] = [];
  const bulk: EnqueueBulkInput[] = [];
  const platform: StartedEdgePlatform = {
    routes: new Hono(),
    activities: {},
    enqueueCommands: (input) => {
      single.push(input);
      return Promise.resolve({ pushed: false, outcome: 'skipped' });
    },
    enqueueBulk: (input) => {
      bulk.push(input);
      return Promise.resolve({ unknown: [], pushed: 0 });
    },
    close: () => Promise.resolve(),
  };
  return { platform, single, bulk };
}

describe('queueing commands at the edge', () => {
  const ring = KeyRing.parse(KeyRing.generateSpec('edge'));
  const plist = '<plist><dict><key>PIN</key><string>482913</string></dict></plist>';

  it('hands the platform a sealed command opened, and tells its sealing public key', async () => {
    const { platform, single } = recordingPlatform();
    const activities = createDeviceCommandActivities(new Map([['apple', platform]]), ring);
    const recipient = await activities.edgeSealingRecipient();
    expect(recipient).toEqual(edgeSealingKey(ring).recipient);
    await activities.enqueueCommands({
      platform: 'apple',
      enrollmentId: 'e1',
      commands: [
        { commandUuid: 'c1', requestType: 'DeviceLock', payload: sealCommandPayload(recipient, plist, 'c1') },
        { commandUuid: 'c2', requestType: 'ProfileList', payload: '<plist/>' },
      ],
    });
    expect(single[0]!.commands.map((c) => c.payload)).toEqual([plist, '<plist/>']);
  });

  it('opens a bulk template once and gives each target its own UUID', async () => {
    const { platform, bulk } = recordingPlatform();
    const activities = createDeviceCommandActivities(new Map([['apple', platform]]), ring);
    const template = `<plist><string>PLACEHOLDER</string>${plist}</plist>`;
    await activities.enqueueBulkCommands({
      platform: 'apple',
      template: {
        requestType: 'DeviceLock',
        payload: sealCommandPayload(edgeSealingKey(ring).recipient, template, 'PLACEHOLDER'),
        placeholderUuid: 'PLACEHOLDER',
      },
      targets: [{ enrollmentId: 'e1', commandUuid: 'u1' }],
    });
    expect(bulk[0]!.commands[0]!.payload).toBe(template.replace('PLACEHOLDER', 'u1'));
  });

  it('refuses, without retrying, a command sealed to another edge or for another command, and queues nothing', async () => {
    const { platform, single } = recordingPlatform();
    const activities = createDeviceCommandActivities(new Map([['apple', platform]]), ring);
    const foreign = edgeSealingKey(KeyRing.parse(KeyRing.generateSpec('edge'))).recipient;
    for (const payload of [
      sealCommandPayload(foreign, plist, 'c1'),
      sealCommandPayload(edgeSealingKey(ring).recipient, plist, 'another'),
    ]) {
      const refused = await activities
        .enqueueCommands({
          platform: 'apple',
          enrollmentId: 'e1',
          commands: [{ commandUuid: 'c1', requestType: 'DeviceLock', payload }],
        })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApplicationFailure);
      expect((refused as ApplicationFailure).nonRetryable).toBe(true);
      expect((refused as ApplicationFailure).message).toContain('does not open');
    }
    expect(single).toEqual([]);
  });
});
