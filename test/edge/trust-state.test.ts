// The edge's trust state across reloads: chain verdicts survive a reload that changes nothing, never a new chain,
// and a revocation takes effect at once whatever the cache holds.
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrustState, type TrustState } from '../../edge/trust-state.js';
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
});
