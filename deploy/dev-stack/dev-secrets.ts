// The dev stack's generated secrets (database passwords, Temporal payload keys, at-rest keys), made once and kept.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { KeyRing } from '../../core/crypto/key-ring.js';

export interface DevSecrets {
  postgresPassword: string;
  edgePassword: string;
  corePassword: string;
  payloadKeys: string;
  secretKeys: string;
  edgeSecretKeys: string;
}

const password = () => randomBytes(24).toString('base64url');

export function loadOrCreateDevSecrets(file: string): DevSecrets {
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  // Secrets added by a newer Keep are generated on the next start; existing ones are kept.
  const secrets: DevSecrets = {
    postgresPassword: password(),
    edgePassword: password(),
    corePassword: password(),
    payloadKeys: KeyRing.generateSpec('payload-1'),
    secretKeys: KeyRing.generateSpec('secret-1'),
    edgeSecretKeys: KeyRing.generateSpec('edge-secret-1'),
    ...existing,
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
