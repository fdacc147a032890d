// Turns Temporal settings into connection options shared by clients and workers (plain data, no I/O but file reads).
import { readFileSync } from 'node:fs';
import type { TemporalSettings } from '../config/config.schema.js';
import { keepDataConverter } from './payload-codec.js';

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

export function temporalConnectionOptions(settings: TemporalSettings): TemporalConnectionOptions {
  const useTls = settings.tls || Boolean(settings.apiKey) || Boolean(settings.tlsCertFile);
  if (!useTls) return { address: settings.address };
  const tls: NonNullable<TemporalConnectionOptions['tls']> = {};
  if (settings.tlsServerName) tls.serverNameOverride = settings.tlsServerName;
  if (settings.tlsCaFile) tls.serverRootCACertificate = readFileSync(settings.tlsCaFile);
  if (settings.tlsCertFile && settings.tlsKeyFile) {
    tls.clientCertPair = { crt: readFileSync(settings.tlsCertFile), key: readFileSync(settings.tlsKeyFile) };
  }
  return { address: settings.address, tls, ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) };
}

/**
 * A client's connection options. The SDK's 10 s default to reach the frontend is short for a Temporal server that
 * starts beside Keep, or a loaded machine: a slow start is not a failure.
 */
export function temporalClientConnectionOptions(settings: TemporalSettings) {
  return { ...temporalConnectionOptions(settings), connectTimeout: '30s' };
}

/** Namespace and the encrypting data converter: what every Client and Worker of Keep is built with. */
export function temporalClientOptions(settings: TemporalSettings) {
  return { namespace: settings.namespace, dataConverter: keepDataConverter(settings.payloadKeys) };
}
