// The outcome of each SCEP transaction the core signed, keyed by the edge's opaque transaction key, so a
// device that was answered PENDING finds it with GetCertInitial and a retried transaction is signed once.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface ScepTransactionTable {
  /** A hash of the enrollment and the device-chosen transactionID, never the transactionID itself. */
  transaction_key: string;
  /** The SignOutcome as JSON: an issued certificate (public) or the reason for a refusal. */
  outcome: ColumnType<unknown, string, never>;
  created_at: Generated<Date>;
}

export type ScepTransactionRow = Selectable<ScepTransactionTable>;
export type NewScepTransactionRow = Insertable<ScepTransactionTable>;
