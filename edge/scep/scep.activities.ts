// Activities through which the core certifies the edge's RA and hands it the CRL to publish.
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { RaState } from './ra-state.js';

export function createScepEdgeActivities(deps: { db: Kysely<EdgeDatabase>; ra: RaState }) {
  return {
    prepareRa: (): Promise<{ csrBase64?: string }> => deps.ra.prepare(),
    async installRa(input: { certificateBase64: string }): Promise<void> {
      await deps.ra.install(Buffer.from(input.certificateBase64, 'base64'));
    },
    async installCrl(input: { crlBase64: string }): Promise<void> {
      const der = Buffer.from(input.crlBase64, 'base64');
      await deps.db
        .insertInto('crl')
        .values({ id: 1, der })
        .onConflict((oc) => oc.column('id').doUpdateSet({ der, installed_at: new Date() }))
        .execute();
    },
  };
}

export type ScepEdgeActivities = ReturnType<typeof createScepEdgeActivities>;
