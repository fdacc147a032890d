// The edge's in-memory view of whom to trust: Keep's CA chain and the revoked identities, reloaded from the
// edge schema when the core installs a change (in this process) and periodically (for other replicas).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TrustStore } from '../core/cms/index.js';
import type { EdgeDatabase } from '../core/db/edge-database.js';

export interface TrustState {
  trust: () => TrustStore | undefined;
  isRevoked: (fingerprint: string) => boolean;
  /** DER of the CA chain, root last. */
  chain: () => Buffer[];
  /** During a CA rollover, the issuing CA coming and the roots (GetNextCACert); empty otherwise. */
  nextChain: () => Buffer[];
  reload: () => Promise<void>;
  installChain: (chain: Array<{ der: Buffer; role: 'root' | 'issuing'; next?: boolean }>) => Promise<void>;
  revoke: (entries: Array<{ fingerprint: string; serial: string; revokedAt: Date }>) => Promise<void>;
  close: () => void;
}

const NO_CHAIN_RELOAD_MS = 1_000;

export async function createTrustState(db: Kysely<EdgeDatabase>, refreshMs = 10_000): Promise<TrustState> {
  let store: TrustStore | undefined;
  let chain: Buffer[] = [];
  let nextChain: Buffer[] = [];
  let revoked = new Set<string>();

  async function reload(): Promise<void> {
    const [anchors, revokedRows] = await Promise.all([
      db.selectFrom('ca_chain').select(['der', 'role', 'next']).orderBy('role', 'desc').execute(),
      db.selectFrom('revoked_certificates').select('fingerprint').execute(),
    ]);
    const loaded = anchors.map((a) => a.der);
    // The store keeps each device's chain verdict: a periodic reload that finds the same chain keeps the store,
    // or every device would pay a full chain check again every refresh. Revocation is checked apart, below.
    if (!sameChain(chain, loaded)) {
      // Issuing CAs are anchors too: a device chain is leaf → issuing, and both are Keep's own.
      store = loaded.length ? new TrustStore(loaded) : undefined;
    }
    chain = loaded;
    const coming = anchors.filter((a) => a.next).map((a) => a.der);
    nextChain = coming.length
      ? [...coming, ...anchors.filter((a) => a.role === 'root').map((a) => a.der)]
      : [];
    revoked = new Set(revokedRows.map((r) => r.fingerprint));
  }

  await reload();
  const timer = setInterval(() => void reload().catch(() => undefined), refreshMs);
  timer.unref();
  // A replica that started before the core installed the chain (through another replica's worker) refuses every
  // device until it has one: it looks every second until then, not once a refresh period.
  const untrusted = setInterval(() => {
    if (store) clearInterval(untrusted);
    else void reload().catch(() => undefined);
  }, NO_CHAIN_RELOAD_MS);
  untrusted.unref();

  return {
    trust: () => store,
    isRevoked: (fingerprint) => revoked.has(fingerprint),
    chain: () => chain,
    nextChain: () => nextChain,
    reload,
    async installChain(certificates) {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('ca_chain').execute();
        for (const { der, role, next } of certificates) {
          await tx
            .insertInto('ca_chain')
            .values({
              fingerprint: createHash('sha256').update(der).digest('hex'),
              der,
              role,
              next: next ?? false,
            })
            .execute();
        }
      });
      await reload();
    },
    async revoke(entries) {
      for (const entry of entries) {
        await db
          .insertInto('revoked_certificates')
          .values({ fingerprint: entry.fingerprint, serial: entry.serial, revoked_at: entry.revokedAt })
          .onConflict((oc) => oc.column('fingerprint').doNothing())
          .execute();
      }
      await reload();
    },
    close: () => {
      clearInterval(timer);
      clearInterval(untrusted);
    },
  };
}

function sameChain(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  return a.length === b.length && a.every((der, i) => der.equals(b[i]!));
}
