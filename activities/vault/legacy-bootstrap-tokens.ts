// Bootstrap tokens escrowed before the vault (core.bootstrap_tokens, sealed with the core key ring) move into the
// vault: one on its first read, all of them at the next integrity check, so none is stranded by the migration.
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Vault } from './vault.js';

export interface LegacyBootstrapTokenDeps {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  vault: Vault;
}

/** The AAD the pre-vault escrow bound each token to. */
const legacyAad = (deviceId: string) => Buffer.from(`core.bootstrap_tokens:${deviceId}`);

/** Moves the device's legacy token into the vault (if it has one) and returns it. */
export async function adoptLegacyBootstrapToken(
  deps: LegacyBootstrapTokenDeps,
  deviceId: string,
): Promise<Buffer | undefined> {
  const row = await deps.db
    .selectFrom('bootstrap_tokens')
    .select('sealed_token')
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  if (!row) return undefined;
  const token = deps.keyRing.openString(row.sealed_token, legacyAad(deviceId));
  await deps.vault.store(deviceId, 'bootstrap-token', token);
  await deps.db.deleteFrom('bootstrap_tokens').where('device_id', '=', deviceId).execute();
  return token;
}

/** Moves every legacy token; one that no longer opens stays in place and is named, by device, in the result. */
export async function adoptLegacyBootstrapTokens(
  deps: LegacyBootstrapTokenDeps,
): Promise<{ moved: number; unreadable: string[] }> {
  const rows = await deps.db.selectFrom('bootstrap_tokens').select('device_id').execute();
  const unreadable: string[] = [];
  for (const { device_id } of rows) {
    await adoptLegacyBootstrapToken(deps, device_id).catch(() => unreadable.push(device_id));
  }
  return { moved: rows.length - unreadable.length, unreadable };
}
