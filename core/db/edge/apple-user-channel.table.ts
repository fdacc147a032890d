// A macOS user's channel on an Apple enrollment (table `apple_user_channels`): opened by the user's TokenUpdate,
// the token and magic that wake it, and the short name the device gave (shown to admins, never in a workflow id).
import type { Generated, Selectable } from 'kysely';

export interface AppleUserChannelTable {
  enrollment_id: string;
  /** The user's GUID on the Mac (UserID). */
  user_id: string;
  short_name: string | null;
  push_token: Buffer;
  push_magic: string;
  updated_at: Generated<Date>;
}

export type AppleUserChannel = Selectable<AppleUserChannelTable>;
