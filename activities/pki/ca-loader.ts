// Opens Keep's CA once per core worker (creating it on first start) and shares it between activities.
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { loadOrCreateCa, type LoadedCa } from './ca.service.js';

export type CaLoader = () => Promise<LoadedCa>;

export function createCaLoader(
  db: Kysely<CoreDatabase>,
  keyRing: KeyRing,
  settings: { organization: string; crlUrl: string },
): CaLoader {
  let loaded: Promise<LoadedCa> | undefined;
  return () =>
    (loaded ??= loadOrCreateCa(db, keyRing, settings).catch((err: unknown) => {
      loaded = undefined; // a failed start is retried by the next activity, not cached
      throw err;
    }));
}

export const crlUrlFor = (edgePublicUrl: string) => new URL('/pki/crl', edgePublicUrl).toString();
