// How close the APNs push certificate is to expiring, in the steps an admin is warned at: when it lapses, every
// push fails and devices only check in on their own, and a renewal needs the Apple ID that created it.
// https://developer.apple.com/documentation/devicemanagement/setting-up-push-notifications-for-your-mdm-customers

/** Warned at 30, 14, 7 and 1 days before expiry, and once it has expired. */
export type PushExpiryWarning = 'none' | '30-days' | '14-days' | '7-days' | '1-day' | 'expired';

const DAY_MS = 86_400_000;

/** Most urgent first: the first step the remaining time falls within. */
const STEPS: ReadonlyArray<readonly [days: number, warning: PushExpiryWarning]> = [
  [1, '1-day'],
  [7, '7-days'],
  [14, '14-days'],
  [30, '30-days'],
];

export interface PushExpiry {
  expiresAt: Date;
  /** Whole days left (0 on its last day, negative once expired). */
  daysLeft: number;
  warning: PushExpiryWarning;
}

export function pushCertificateExpiry(notAfter: Date, now: Date): PushExpiry {
  const left = notAfter.getTime() - now.getTime();
  const daysLeft = Math.floor(left / DAY_MS);
  if (left <= 0) return { expiresAt: notAfter, daysLeft, warning: 'expired' };
  const step = STEPS.find(([days]) => left <= days * DAY_MS);
  return { expiresAt: notAfter, daysLeft, warning: step ? step[1] : 'none' };
}
