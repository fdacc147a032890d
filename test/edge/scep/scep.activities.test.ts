import { describe, expect, it } from 'vitest';
import { createCaHierarchy } from '../../../core/pki/ca-create.js';
import { buildCrl } from '../../../core/pki/crl.js';
import { crlIssuedAt } from '../../../core/pki/revocation-list-dates.js';
import { createScepEdgeActivities } from '../../../edge/scep/scep.activities.js';
import type { RaState } from '../../../edge/scep/ra-state.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('the edge installing a CRL', () => {
  const database = useTestDatabase();
  const ca = createCaHierarchy({ organization: 'Acme', now: new Date() }).issuing;
  const crlAt = (thisUpdate: Date, crlNumber: number) =>
    buildCrl({
      ca,
      crlNumber,
      revoked: [],
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + 86_400_000),
    });
  const served = async () =>
    (await database.edge.db.selectFrom('crl').select('der').where('id', '=', 1).executeTakeFirstOrThrow())
      .der;

  it('keeps the newer CRL when an older one arrives late (a refresh and a revocation out of order)', async () => {
    const edge = createScepEdgeActivities({ db: database.edge.db, ra: {} as RaState });
    const older = crlAt(new Date('2026-11-30T10:00:00Z'), 1);
    const newer = crlAt(new Date('2026-11-30T11:00:00Z'), 2);
    await edge.installCrl({ crlBase64: newer.toString('base64') });
    await edge.installCrl({ crlBase64: older.toString('base64') });
    expect(crlIssuedAt(await served())).toEqual(new Date('2026-11-30T11:00:00Z'));
    const newest = crlAt(new Date('2026-11-30T12:00:00Z'), 3);
    await edge.installCrl({ crlBase64: newest.toString('base64') });
    expect(Buffer.compare(await served(), newest)).toBe(0);
  });
});
