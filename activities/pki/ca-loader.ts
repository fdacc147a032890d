// Opens Keep's CA once per core worker (creating or importing it on first start) and shares it between activities.
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { issuingCaVersion } from './ca-key.repository.js';
import { loadOrCreateCa, type CaOptions, type LoadedCa } from './ca-operations.js';

export type CaLoader = () => Promise<LoadedCa>;

export interface CaImportSettings {
  caImportCertificatesFile?: string | undefined;
  caImportKeyFile?: string | undefined;
  caImportKeyPassphrase?: string | undefined;
  caImportPkcs12File?: string | undefined;
  caImportPkcs12Password?: string | undefined;
}

/** The import the settings name; a stored CA always wins, so this matters on the first start only. */
export function caImportFrom(settings: CaImportSettings): CaOptions['import'] {
  if (settings.caImportPkcs12File) {
    return {
      pkcs12: {
        der: readFileSync(settings.caImportPkcs12File),
        password: settings.caImportPkcs12Password ?? '',
      },
    };
  }
  if (settings.caImportCertificatesFile && settings.caImportKeyFile) {
    return {
      pem: {
        certificatesPem: readFileSync(settings.caImportCertificatesFile, 'utf8'),
        privateKeyPem: readFileSync(settings.caImportKeyFile, 'utf8'),
        ...(settings.caImportKeyPassphrase ? { passphrase: settings.caImportKeyPassphrase } : {}),
      },
    };
  }
  return undefined;
}

export function createCaLoader(
  db: Kysely<CoreDatabase>,
  keyRing: KeyRing,
  settings: { organization: string; crlUrl: string } & CaImportSettings,
): CaLoader {
  let loaded: { version: string; ca: Promise<LoadedCa> } | undefined;
  // A rollover on any core worker changes the stored issuing CAs: every worker sees it at its next activity,
  // for the price of one small query, and loads the CA again.
  return async () => {
    const version = await issuingCaVersion(db);
    if (loaded?.version === version) return loaded.ca;
    const ca = (async () => {
      const toImport = caImportFrom(settings);
      return loadOrCreateCa(db, keyRing, {
        organization: settings.organization,
        crlUrl: settings.crlUrl,
        ...(toImport ? { import: toImport } : {}),
      });
    })();
    loaded = { version, ca };
    ca.catch(() => {
      if (loaded?.ca === ca) loaded = undefined; // a failed start is retried by the next activity, not cached
    });
    return ca;
  };
}

export const crlUrlFor = (edgePublicUrl: string) => new URL('/pki/crl', edgePublicUrl).toString();
