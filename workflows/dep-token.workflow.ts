// The ABM server token's two admin steps, run in the core so the key and the token never leave it: make the
// key pair (its certificate goes to ABM), then import the `.p7m` ABM hands back.
import { proxyActivities } from '@temporalio/workflow';
import { requireAdminStart } from './admin-command-proof.js';
import type { DepTokenActivities } from '../activities/apple/dep/dep-token.activities.js';

const core = proxyActivities<DepTokenActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['UnknownDepServer', 'DepTokenRejected'] },
});

export async function depServerCreateWorkflow(input: { id: string }): Promise<{ certificatePem: string }> {
  await requireAdminStart('depServerCreateWorkflow', input);
  return core.createDepServer(input);
}

export async function depTokenImportWorkflow(input: {
  serverId: string;
  p7mBase64: string;
}): Promise<{ expiresAt: string }> {
  await requireAdminStart('depTokenImportWorkflow', input);
  return core.importDepToken(input);
}
