// The ABM server token's life in the core: Keep's key pair for an ABM server entry, then the `.p7m` Apple
// encrypted to it, decrypted and sealed here. Neither the key nor the token ever enters Temporal.
import { createPrivateKey } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import {
  createTokenKeyPair,
  DepError,
  parseServerToken,
  type ServerToken,
} from '../../../core/apple/dep/index.js';
import type { KeyRing } from '../../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../../core/db/core-database.js';
import type { DepServerRow } from '../../../core/db/core/dep-server.table.js';
import { pemBlocks } from '../../../core/pki/pem.js';

/** The AADs tie each sealed value to its row, so a sealed value copied to another row does not open. */
const keyAad = (id: string) => Buffer.from(`dep-key:${id}`);
const tokenAad = (id: string) => Buffer.from(`dep-token:${id}`);

export interface DepTokenDeps {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  pki: { organization: string };
}

/** The server token of a row, opened; undefined before the admin imported one. */
export function openServerToken(keyRing: KeyRing, row: DepServerRow): ServerToken | undefined {
  if (!row.sealed_token) return undefined;
  const json = JSON.parse(keyRing.openString(row.sealed_token, tokenAad(row.id)).toString('utf8')) as Omit<
    ServerToken,
    'accessTokenExpiry'
  > & { accessTokenExpiry: string };
  return { ...json, accessTokenExpiry: new Date(json.accessTokenExpiry) };
}

export function createDepTokenActivities(deps: DepTokenDeps) {
  return {
    /** Idempotent by id: a retry returns the certificate made the first time. */
    async createDepServer(input: { id: string }): Promise<{ certificatePem: string }> {
      const existing = await deps.db
        .selectFrom('dep_servers')
        .select('certificate_pem')
        .where('id', '=', input.id)
        .executeTakeFirst();
      if (existing) return { certificatePem: existing.certificate_pem };
      const pair = createTokenKeyPair({ organization: deps.pki.organization, now: new Date() });
      const keyPem = pair.key.export({ type: 'pkcs8', format: 'pem' }).toString();
      await deps.db
        .insertInto('dep_servers')
        .values({
          id: input.id,
          certificate_pem: pair.certificatePem,
          sealed_key: deps.keyRing.sealToString(Buffer.from(keyPem), keyAad(input.id)),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const stored = await deps.db
        .selectFrom('dep_servers')
        .select('certificate_pem')
        .where('id', '=', input.id)
        .executeTakeFirstOrThrow();
      return { certificatePem: stored.certificate_pem };
    },

    /** Decrypts the `.p7m` with the server entry's key and stores the token sealed; a new import replaces it. */
    async importDepToken(input: { serverId: string; p7mBase64: string }): Promise<{ expiresAt: string }> {
      const row = await deps.db
        .selectFrom('dep_servers')
        .selectAll()
        .where('id', '=', input.serverId)
        .executeTakeFirst();
      if (!row) throw ApplicationFailure.nonRetryable('no such ABM server entry', 'UnknownDepServer');
      const key = createPrivateKey(deps.keyRing.openString(row.sealed_key, keyAad(row.id)).toString('utf8'));
      let token: ServerToken;
      try {
        token = parseServerToken(Buffer.from(input.p7mBase64, 'base64'), {
          certificate: pemBlocks(row.certificate_pem, 'CERTIFICATE')[0]!,
          key,
        });
      } catch (error) {
        // DepError messages name a field at most, never a value.
        if (error instanceof DepError)
          throw ApplicationFailure.nonRetryable(error.message, 'DepTokenRejected');
        throw error;
      }
      const sealed = deps.keyRing.sealToString(Buffer.from(JSON.stringify(token)), tokenAad(row.id));
      await deps.db
        .updateTable('dep_servers')
        .set({ sealed_token: sealed, token_expires_at: token.accessTokenExpiry, last_error: null })
        .where('id', '=', row.id)
        .execute();
      return { expiresAt: token.accessTokenExpiry.toISOString() };
    },
  };
}

export type DepTokenActivities = ReturnType<typeof createDepTokenActivities>;
