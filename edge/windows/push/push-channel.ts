// How the edge learns a PC's WNS channel: it sets the package family name in the DMClient CSP and reads back
// the channel URI Windows opened for it, as two commands of its own (never reported to the core).
// https://learn.microsoft.com/windows/client-management/mdm/dmclient-csp (Provider/ProviderID/Push)
import { type Transaction } from 'kysely';
import type { KeyRing } from '../../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../../core/db/edge-database.js';
import type { WindowsCommand } from '../../../core/db/edge/windows.table.js';
import type { OutgoingCommand } from '../../../core/windows/index.js';
import { PROVIDER_ID } from '../enrollment.routes.js';
import { enqueueWindowsCommand } from '../windows-command-queue.repository.js';
import { savePushChannel } from '../windows-enrollment.repository.js';

const PUSH_NODE = `./Vendor/MSFT/DMClient/Provider/${PROVIDER_ID}/Push`;
export const CHANNEL_URI_NODE = `${PUSH_NODE}/ChannelURI`;

/** The edge's own request types: their answers stay at the edge. */
const SET_PFN = 'KeepPushPackage';
const READ_CHANNEL = 'KeepPushChannel';

export const isEdgeCommand = (requestType: string) => requestType === SET_PFN || requestType === READ_CHANNEL;

/** Queues the two commands, unless a read of the channel is already on its way. */
export async function requestPushChannel(
  tx: Transaction<EdgeDatabase>,
  ring: KeyRing,
  enrollmentId: string,
  packageFamilyName: string,
): Promise<void> {
  const open = await tx
    .selectFrom('windows_commands')
    .select('id')
    .where('enrollment_id', '=', enrollmentId)
    .where('request_type', '=', READ_CHANNEL)
    .where('status', 'in', ['queued', 'sent'])
    .executeTakeFirst();
  if (open) return;
  const commands: Array<[string, OutgoingCommand]> = [
    [
      SET_PFN,
      {
        command: 'Replace',
        items: [{ target: `${PUSH_NODE}/PFN`, meta: { format: 'chr' }, data: packageFamilyName }],
      },
    ],
    [READ_CHANNEL, { command: 'Get', items: [{ target: CHANNEL_URI_NODE }] }],
  ];
  for (const [requestType, command] of commands)
    await enqueueWindowsCommand(tx, ring, {
      enrollmentId,
      commandUuid: `keep-${globalThis.crypto.randomUUID()}`,
      requestType,
      body: JSON.stringify(command),
    });
}

/** What an answered edge command changes: the channel the PC reported. */
export async function applyEdgeCommand(
  tx: Transaction<EdgeDatabase>,
  row: WindowsCommand,
  answer: { status?: string; values?: Record<string, string> },
): Promise<void> {
  const channel = answer.values?.[CHANNEL_URI_NODE];
  if (row.request_type === READ_CHANNEL && answer.status === '200' && channel)
    await savePushChannel(tx, row.enrollment_id, channel);
}
