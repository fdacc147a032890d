// Activities through which the core tells the edge whom to trust: the CA chain, and revoked identities.
import type { TrustState } from './trust-state.js';

export function createTrustActivities(deps: { trust: TrustState }) {
  return {
    async installCaChain(input: {
      certificates: Array<{ derBase64: string; role: 'root' | 'issuing'; next?: true }>;
    }): Promise<void> {
      await deps.trust.installChain(
        input.certificates.map((c) => ({
          der: Buffer.from(c.derBase64, 'base64'),
          role: c.role,
          next: c.next ?? false,
        })),
      );
    },
    async revokeCertificates(input: {
      entries: Array<{ fingerprint: string; serial: string; revokedAt: string }>;
    }): Promise<void> {
      await deps.trust.revoke(input.entries.map((e) => ({ ...e, revokedAt: new Date(e.revokedAt) })));
    },
  };
}

export type TrustActivities = ReturnType<typeof createTrustActivities>;
