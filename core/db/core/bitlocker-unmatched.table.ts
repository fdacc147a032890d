// A computer object with BitLocker recovery information that the last import matched to no Windows device.
import type { Generated, Selectable } from 'kysely';

export interface BitLockerUnmatchedTable {
  computer_dn: string;
  /** The value of the configured match attribute, if the computer object has one. */
  computer_name: string | null;
  /** `no-device`, `ambiguous` (several devices by that name), `no-computer` or `unreadable: <what>`. */
  reason: string;
  /** How many recovery information objects it holds. */
  passwords: number;
  first_seen_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export type BitLockerUnmatched = Selectable<BitLockerUnmatchedTable>;
