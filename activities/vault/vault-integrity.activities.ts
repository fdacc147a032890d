// The vault-integrity check's activity: moves pre-vault bootstrap tokens in, proves every stored secret still
// opens, records on each row whether it did, and drops superseded versions past their retention.
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Kms } from '../../core/vault/kms.js';
import { adoptLegacyBootstrapTokens } from './legacy-bootstrap-tokens.js';
import { createVault, type VaultIntegrityReport } from './vault.js';

export function createVaultIntegrityActivities(deps: {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  kms: Kms;
  supersededRetentionDays: number;
}) {
  const vault = createVault(deps);
  return {
    async checkVaultIntegrity(): Promise<
      VaultIntegrityReport & { legacyBootstrapTokensUnreadable: string[] }
    > {
      const legacy = await adoptLegacyBootstrapTokens({ ...deps, vault });
      const report = await vault.checkIntegrity({ retentionDays: deps.supersededRetentionDays });
      return { ...report, legacyBootstrapTokensUnreadable: legacy.unreadable };
    },
  };
}

export type VaultIntegrityActivities = ReturnType<typeof createVaultIntegrityActivities>;
