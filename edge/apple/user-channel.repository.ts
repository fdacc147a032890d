// The macOS user channels of an Apple enrollment: opened (or its token renewed) by the user's TokenUpdate, looked
// up when the user's session fetches its commands. https://developer.apple.com/documentation/devicemanagement/tokenupdaterequest
import type { Kysely, Transaction } from 'kysely';
import type { UserChannel } from '../../core/apple/message-identity.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { AppleUserChannel } from '../../core/db/edge/apple-user-channel.table.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

/** The id a user channel is known by: the Mac's user GUID, or the User Enrollment user's per-enrollment id. */
export const userChannelId = (user: UserChannel): string => (user.userId ?? user.enrollmentUserId)!;

export async function recordUserChannel(
  db: Db,
  enrollmentId: string,
  user: UserChannel,
  push: { token: Buffer; magic: string },
): Promise<void> {
  const values = {
    short_name: user.userShortName ?? null,
    push_token: push.token,
    push_magic: push.magic,
    updated_at: new Date(),
  };
  await db
    .insertInto('apple_user_channels')
    .values({ enrollment_id: enrollmentId, user_id: userChannelId(user), ...values })
    .onConflict((oc) => oc.columns(['enrollment_id', 'user_id']).doUpdateSet(values))
    .execute();
}

export function findUserChannel(
  db: Db,
  enrollmentId: string,
  userId: string,
): Promise<AppleUserChannel | undefined> {
  return db
    .selectFrom('apple_user_channels')
    .selectAll()
    .where('enrollment_id', '=', enrollmentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
