// The edge's trust state across reloads: chain verdicts survive a reload that changes nothing, never a new chain,
// a revocation takes effect at once whatever the cache holds, and a replica started before the core installed a chain
// picks it up soon, not a refresh period later.
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrustState, type TrustState } from '../../edge/trust-state.js';
import { eventually } from '../support/apple-requests.js';
import { createTestDatabase } from '../support/db.js';
import { createTestCa } from '../support/test-ca.js';
import { useTestDatabase } from '../support/test-context.js';

const derOf = (pem: string) => new X509Certificate(pem).raw;

describe('the edge trust state', () => {
  const database = useTestDatabase();
  let state: TrustState | undefined;
  afterAll(() => state?.close());

  it('keeps its trust store, and so its chain verdicts, across a reload that finds the same chain', async () => {
    state = await createTrustState(database.edge.db, 3_600_000);
    await state.installChain([{ der: derOf(createTestCa('Keep Trust A').certPem), role: 'issuing' }]);
    const store = state.trust();
    expect(store).toBeDefined();
    await state.reload();
    expect(state.trust()).toBe(store);

    await state.revoke([{ fingerprint: 'a'.repeat(64), serial: '01', revokedAt: new Date() }]);
    expect(state.trust()).toBe(store);
    expect(state.isRevoked('a'.repeat(64))).toBe(true);

    await state.installChain([{ der: derOf(createTestCa('Keep Trust B').certPem), role: 'issuing' }]);
    expect(state.trust()).not.toBe(store);
  });

  it('trusts a chain another replica installed soon, when it started before any chain was installed', async () => {
    const fresh = await createTestDatabase();
    const installer = await createTrustState(fresh.edge.db, 3_600_000);
    const waiting = await createTrustState(fresh.edge.db, 3_600_000);
    try {
      expect(waiting.trust()).toBeUndefined();
      await installer.installChain([{ der: derOf(createTestCa('Keep Trust C').certPem), role: 'issuing' }]);
      // Until then the replica refuses every device; a bound far below its refresh period, not a speed claim.
      await eventually(async () => waiting.trust(), 10_000);
    } finally {
      installer.close();
      waiting.close();
      await fresh.drop();
    }
  });
});
