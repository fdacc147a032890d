// Escrowed bootstrap tokens, sealed with the core key ring; the edge never stores them.
import type { Generated, Selectable } from 'kysely';

export interface BootstrapTokenTable {
  device_id: string;
  /** KeyRing.sealToString output, AAD-bound to the device id. */
  sealed_token: string;
  created_at: Generated<Date>;
}

export type BootstrapToken = Selectable<BootstrapTokenTable>;
