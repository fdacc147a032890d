// One SCEP transaction (`certificate-request-<hash of its transactionID>`), as the edge signed before batches
// (scep-signer.workflow.ts). Kept registered so that transactions in flight across an upgrade finish and the
// edge's GetCertInitial can still read their result; the edge starts no new ones.
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { PkiActivities, SignOutcome } from '../activities/pki/pki.activities.js';

export interface SignCsrRequest {
  /** The CSR (it holds the challenge) sealed by the edge to the core's sealing key: no history holds it in clear. */
  sealedCsr: string;
  /** The enrollment the request's URL named, if any. */
  enrollmentId?: string;
  /** For a RenewalReq: the SHA-256 of the certificate that signed it. */
  renewalOf?: string;
}

export const signCsrUpdate = defineUpdate<SignOutcome, [SignCsrRequest]>('signCsr');

export async function certificateRequestWorkflow(): Promise<SignOutcome> {
  const pki = proxyActivities<PkiActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });
  let signing: Promise<SignOutcome> | undefined;
  let outcome: SignOutcome | undefined;
  // A device retrying the same transaction joins the first signing instead of starting another.
  setHandler(signCsrUpdate, (request) => {
    signing ??= (
      request.renewalOf
        ? pki.renewIdentity({ sealedCsr: request.sealedCsr, currentFingerprint: request.renewalOf })
        : pki.signScepRequest({
            sealedCsr: request.sealedCsr,
            ...(request.enrollmentId ? { enrollmentId: request.enrollmentId } : {}),
          })
    ).then((result) => (outcome = result));
    return signing;
  });
  if (!(await condition(() => outcome !== undefined, '1 day')))
    return { status: 'rejected', reason: 'expired' };
  await condition(allHandlersFinished);
  return outcome!;
}
