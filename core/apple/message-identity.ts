// Who sent an MDM message: the enrollment (UDID or EnrollmentID) and, on the user channel, the user.
import type { PlistDict } from './plist-codec.js';
import { MdmMessageError, optional } from './plist-fields.js';

/** Device enrollments send UDID, User Enrollments send EnrollmentID; at least one is always present. */
export interface EnrollmentRef {
  udid?: string;
  enrollmentId?: string;
}

/** Present when the message came over the user channel (macOS user, Shared iPad user, User Enrollment user). */
export interface UserChannel {
  /** macOS user GUID; FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF on Shared iPad. */
  userId?: string;
  enrollmentUserId?: string;
  userShortName?: string;
  userLongName?: string;
}

export function decodeEnrollmentRef(d: PlistDict, context: string): EnrollmentRef {
  const ref: EnrollmentRef = {
    udid: optional(d, 'UDID', 'string') || undefined,
    enrollmentId: optional(d, 'EnrollmentID', 'string') || undefined,
  };
  if (!ref.udid && !ref.enrollmentId) {
    throw new MdmMessageError(
      'missing-key',
      `${context} is missing required key UDID or EnrollmentID`,
      'UDID',
    );
  }
  return ref;
}

/** A message is on the user channel when it names a user; it must then say which one. */
export function decodeUserChannel(d: PlistDict, context: string): UserChannel | undefined {
  const user: UserChannel = {
    userId: optional(d, 'UserID', 'string'),
    enrollmentUserId: optional(d, 'EnrollmentUserID', 'string'),
    userShortName: optional(d, 'UserShortName', 'string'),
    userLongName: optional(d, 'UserLongName', 'string'),
  };
  if (Object.values(user).every((v) => v === undefined)) return undefined;
  if (!user.userId && !user.enrollmentUserId) {
    throw new MdmMessageError(
      'missing-key',
      `${context} on the user channel is missing required key UserID`,
      'UserID',
    );
  }
  return user;
}
