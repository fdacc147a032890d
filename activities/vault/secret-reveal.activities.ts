// The core side of the reveal workflow. Every step reads the request the admin API recorded in the core database
// (which the edge cannot write): an approval counts only if another admin's is recorded there, and the secret is
// sealed only to the one-request key the admin API recorded with the reveal, so an Update from anyone else
// (a compromised edge included) gets nothing.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { sealTo } from '../../core/crypto/sealed-box.js';
import type { Kms } from '../../core/vault/kms.js';
import { secretRevealContext } from '../../core/vault/secret-reveal.js';
import type { VaultSecretKind } from '../../core/vault/vault-envelope.js';
import { createVault } from './vault.js';

export function createSecretRevealActivities(deps: { db: Kysely<CoreDatabase>; kms: Kms }) {
  const { db } = deps;
  const vault = createVault(deps);
  const find = (requestId: string) =>
    db.selectFrom('secret_reveal_requests').selectAll().where('id', '=', requestId).executeTakeFirst();

  return {
    /** Whether another admin's approval is recorded (the signal that woke the workflow proves nothing). */
    async secretRevealApproved({ requestId }: { requestId: string }): Promise<boolean> {
      const row = await find(requestId);
      return Boolean(row?.approved_by && row.approved_by !== row.requested_by);
    },

    /** The secret, sealed to the key the admin API recorded with the reveal; nothing without that record. */
    async releaseRevealedSecret({ requestId }: { requestId: string }): Promise<{ sealedSecret: string }> {
      const row = await find(requestId);
      // Refusals are final: retrying cannot make a missing record appear.
      const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'RevealRefused');
      if (!row?.reply_key || !row.revealed_at)
        throw refuse('the admin API recorded no reveal for this request');
      if (row.status !== 'approved') throw refuse(`the request is ${row.status}`);
      if (row.revealed_at > row.expires_at) throw refuse('the request expired before the reveal');
      const secret = await vault.readCurrent(row.device_id, row.kind as VaultSecretKind);
      if (!secret) throw refuse(`the device has no escrowed ${row.kind}`);
      return { sealedSecret: sealTo(row.reply_key, secret, secretRevealContext(requestId)) };
    },

    async finishSecretReveal({
      requestId,
      status,
    }: {
      requestId: string;
      status: 'revealed' | 'expired';
    }): Promise<void> {
      await db.updateTable('secret_reveal_requests').set({ status }).where('id', '=', requestId).execute();
    },
  };
}

export type SecretRevealActivities = ReturnType<typeof createSecretRevealActivities>;
