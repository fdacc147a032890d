// Activities through which the core certifies the edge's RA and hands it the CRL to publish.
import { crlIssuedAt } from '../../core/pki/revocation-list-dates.js';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { PublishedCrl } from '../../activities/pki/pki.activities.js';
import type { RaState } from './ra-state.js';

export function createScepEdgeActivities(deps: { db: Kysely<EdgeDatabase>; ra: RaState }) {
  return {
    prepareRa: (input?: { renewWithinDays?: number }): Promise<{ csrBase64?: string }> =>
      deps.ra.prepare(input),
    async installRa(input: { certificateBase64: string }): Promise<void> {
      await deps.ra.install(Buffer.from(input.certificateBase64, 'base64'));
    },
    async installCrl(input: { crlBase64: string; crls?: PublishedCrl[] }): Promise<void> {
      const der = Buffer.from(input.crlBase64, 'base64');
      const issuedAt = crlIssuedAt(der);
      // A refresh and a revocation queued for an edge that was down may arrive in either order: keep the newer.
      await deps.db.transaction().execute(async (tx) => {
        for (const crl of input.crls ?? []) {
          const caDer = Buffer.from(crl.crlBase64, 'base64');
          const installed = await tx
            .selectFrom('ca_crls')
            .select('der')
            .where('issuer_key_id', '=', crl.issuerKeyId)
            .forUpdate()
            .executeTakeFirst();
          if (installed && crlIssuedAt(installed.der) > crlIssuedAt(caDer)) continue;
          await tx
            .insertInto('ca_crls')
            .values({ issuer_key_id: crl.issuerKeyId, der: caDer })
            .onConflict((oc) =>
              oc.column('issuer_key_id').doUpdateSet({ der: caDer, installed_at: new Date() }),
            )
            .execute();
        }
        const installed = await tx
          .selectFrom('crl')
          .select('der')
          .where('id', '=', 1)
          .forUpdate()
          .executeTakeFirst();
        if (installed && crlIssuedAt(installed.der) > issuedAt) return;
        await tx
          .insertInto('crl')
          .values({ id: 1, der })
          .onConflict((oc) => oc.column('id').doUpdateSet({ der, installed_at: new Date() }))
          .execute();
      });
    },
  };
}

export type ScepEdgeActivities = ReturnType<typeof createScepEdgeActivities>;
