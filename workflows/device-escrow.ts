// The device workflow's one hook into key escrow: a command report whose result carries a key the device encrypted
// to Keep's escrow certificate (the ingest woke the workflow for it) is decrypted and vaulted by a core activity.
// Only the command's id crosses Temporal here; the activity reads the answer from the core's database.
import { proxyActivities } from '@temporalio/workflow';
import type { FileVaultEscrowActivities } from '../activities/apple/filevault-escrow.activities.js';
import { carriesFileVaultKey } from '../core/apple/filevault-recovery-key.js';
import type { DeviceEvent } from '../core/device/device-event.js';

const apple = proxyActivities<FileVaultEscrowActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function escrowFromReport(deviceId: string, event: DeviceEvent): Promise<void> {
  if (event.kind !== 'command-report' || event.platform !== 'apple') return;
  if (event.data.outcome !== 'acknowledged' || !carriesFileVaultKey(event.data.result)) return;
  await apple.escrowFileVaultKey({ deviceId, commandUuid: event.data.commandUuid });
}
