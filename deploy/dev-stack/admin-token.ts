// The dev stack's bootstrap admin token: made once into a 0600 file; only its hash goes to the admin process.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateToken, hashToken } from '../../admin/auth/token-hash.js';

/** Returns the hash for KEEP_ADMIN_BOOTSTRAP_TOKEN_HASH; the token stays in `file` for the developer. */
export function loadOrCreateAdminToken(file: string): { tokenHash: string } {
  if (!existsSync(file)) writeFileSync(file, `${generateToken()}\n`, { mode: 0o600 });
  // Tighten a file a developer may have copied in with looser rights.
  chmodSync(file, 0o600);
  return { tokenHash: hashToken(readFileSync(file, 'utf8').trim()) };
}
