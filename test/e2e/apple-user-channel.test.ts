// The macOS user channel through the real edge (HTTPS on loopback) and a fake APNs: a simulated Mac's user logs
// in (UserAuthenticate, the user's TokenUpdate), a command addressed to the user is pushed to the user's token and
// fetched only on that user's channel, and the device channel's command only on the device's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import { MdmHttpError, SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

const WAIT_MS = 60_000;
const user = { userId: 'A1B2C3D4-0000-4000-8000-00000000C0DE', shortName: 'ada', longName: 'Ada Lovelace' };

function profileList(userId?: string): DeviceCommand {
  const built = buildCommand({ requestType: 'ProfileList' });
  return {
    commandUuid: built.CommandUUID,
    requestType: 'ProfileList',
    payload: serializeCommand(built),
    ...(userId ? { userId } : {}),
  };
}

describe('the macOS user channel', { timeout: 240_000 }, () => {
  const { planes, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  let enrollmentId = '';

  beforeAll(async () => {
    await enroll(mac);
    enrollmentId = (
      await planes.database.edge.db
        .selectFrom('apple_enrollments')
        .select('id')
        .where('udid', '=', mac.state.udid)
        .executeTakeFirstOrThrow()
    ).id;
  }, 180_000);

  afterAll(() => mac.close());

  it('opens when the user logs in: UserAuthenticate needs no digest, and the user TokenUpdate keeps its own token', async () => {
    await mac.openUserChannel(user);
    const channel = await planes.database.edge.db
      .selectFrom('apple_user_channels')
      .selectAll()
      .where('enrollment_id', '=', enrollmentId)
      .executeTakeFirstOrThrow();
    expect(channel).toMatchObject({ user_id: user.userId, short_name: 'ada' });
    // The device channel's token is not replaced by the user's.
    const enrollment = await planes.database.edge.db
      .selectFrom('apple_enrollments')
      .select('push_token')
      .where('id', '=', enrollmentId)
      .executeTakeFirstOrThrow();
    expect(enrollment.push_token?.equals(channel.push_token)).toBe(false);
  });

  it("queues a user's command for that user's channel only, woken by a push to the user's token", async () => {
    const forUser = profileList(user.userId);
    const forDevice = profileList();
    await planes.edge.platforms
      .get('apple')!
      .enqueueCommands({ enrollmentId, commands: [forUser, forDevice] });
    await eventually(async () => (mac.userCommands.get(user.userId)?.length ? true : undefined), WAIT_MS);
    await eventually(
      async () => (mac.commandLedger.answered.get(forDevice.commandUuid) ? true : undefined),
      WAIT_MS,
    );
    expect(mac.userCommands.get(user.userId)!.map((c) => c.commandUuid)).toEqual([forUser.commandUuid]);
    // Handed over once in all, on the user's channel; the device's command never reached it.
    expect(mac.commandLedger.received.get(forUser.commandUuid)).toBe(1);
    expect(mac.commandLedger.received.get(forDevice.commandUuid)).toBe(1);
    const statuses = await planes.database.edge.db
      .selectFrom('command_queue')
      .select(['command_uuid', 'status', 'user_id'])
      .where('enrollment_id', '=', enrollmentId)
      .where('command_uuid', 'in', [forUser.commandUuid, forDevice.commandUuid])
      .execute();
    expect(statuses).toEqual(
      expect.arrayContaining([
        { command_uuid: forUser.commandUuid, status: 'acknowledged', user_id: user.userId },
        { command_uuid: forDevice.commandUuid, status: 'acknowledged', user_id: null },
      ]),
    );
  });

  it('refuses a command session for a user whose channel was never opened', async () => {
    const stranger = { userId: 'FFFFFFFF-0000-4000-8000-000000000BAD', shortName: 'eve' };
    await expect(mac.runSession(stranger)).rejects.toSatisfy(
      (error) => error instanceof MdmHttpError && error.status === 403,
    );
  });
});
