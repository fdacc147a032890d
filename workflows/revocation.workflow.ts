// Revokes a certificate (`revocation-<uuid>`): the core records it and publishes a CRL, then every edge
// refuses the identity and serves the new CRL.
import { proxyActivities } from '@temporalio/workflow';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { RevocationReason } from '../core/pki/crl.js';
import type { ScepEdgeActivities } from '../edge/scep/scep.activities.js';
import type { TrustActivities } from '../edge/trust.activities.js';

export async function revocationWorkflow(input: {
  serialHex: string;
  reason?: RevocationReason;
  edgeTaskQueues: string[];
}): Promise<{ revoked: number }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const { revoked, crlBase64 } = await pki.revokeAndPublish({
    serialHex: input.serialHex,
    ...(input.reason ? { reason: input.reason } : {}),
  });
  await Promise.all(
    input.edgeTaskQueues.map(async (taskQueue) => {
      const edge = proxyActivities<ScepEdgeActivities & TrustActivities>({
        taskQueue,
        startToCloseTimeout: '1 minute',
      });
      await edge.revokeCertificates({ entries: revoked });
      await edge.installCrl({ crlBase64 });
    }),
  );
  return { revoked: revoked.length };
}
