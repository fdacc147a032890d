// Imports an APNs push certificate: the core stores it (key sealed), then the edge installs it to send pushes.
import { proxyActivities } from '@temporalio/workflow';
import { requireAdminStart } from './admin-command-proof.js';
import type {
  PushCertificateActivities,
  StorePushCertificateInput,
} from '../activities/apple/push-certificate.activities.js';

/** What the edge's push sender needs; the edge worker implements `installPushCertificate`. */
export interface InstallPushCertificateArgs {
  topic: string;
  certPem: string;
  keyPem: string;
  notAfter: string;
}

export interface EdgePushCertificateActivities {
  installPushCertificate(args: InstallPushCertificateArgs): Promise<void>;
}

export interface PushCertificateWorkflowInput {
  certificate: StorePushCertificateInput;
  edgeTaskQueue: string;
}

export async function pushCertificateWorkflow(input: PushCertificateWorkflowInput): Promise<void> {
  const core = proxyActivities<PushCertificateActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 10 },
  });
  const edge = proxyActivities<EdgePushCertificateActivities>({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '30 seconds',
    // The edge may be down for a while; the certificate is already stored, so keep trying for a day.
    scheduleToCloseTimeout: '1 day',
  });
  await requireAdminStart('pushCertificateWorkflow', input);
  const { certificate } = input;
  await core.storePushCertificate(certificate);
  await edge.installPushCertificate({
    topic: certificate.topic,
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    notAfter: certificate.notAfter,
  });
}
