// Rotates the SCEP RA of every edge before its certificate expires (`ra-rotation-<core task queue>`, started daily
// by the schedule of that name): each edge makes a new RA key (it never leaves the edge) and gets a certificate for
// it from the core, which it serves from then on without a restart; the old certificate and key stay, published in
// GetCACert beside the new, so a device that fetched the old one is answered until it expires. An edge that is down
// is skipped until the next run.
import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { ScepEdgeActivities } from '../edge/scep/scep.activities.js';

export interface RaRotationInput {
  /** Renew an RA certificate that expires within this many days. */
  renewWithinDays: number;
}

export async function raRotationWorkflow(input: RaRotationInput): Promise<{ renewed: string[] }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const renewed: string[] = [];
  for (const edgeTaskQueue of await pki.edgeTaskQueues()) {
    const edge = proxyActivities<ScepEdgeActivities>({
      taskQueue: edgeTaskQueue,
      startToCloseTimeout: '1 minute',
      // A day's run must not wait on an edge that is down: the next run, or its provisioning, renews it.
      scheduleToCloseTimeout: '1 hour',
    });
    try {
      const { csrBase64 } = await edge.prepareRa({ renewWithinDays: input.renewWithinDays });
      if (!csrBase64) continue;
      const { certificateBase64 } = await pki.issueRaCertificate({ csrBase64, edgeTaskQueue });
      await edge.installRa({ certificateBase64 });
      renewed.push(edgeTaskQueue);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('SCEP RA renewal failed for an edge; the next run tries again', {
        edgeTaskQueue,
        cause: error.cause?.message,
      });
    }
  }
  return { renewed };
}
