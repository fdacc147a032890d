// One OMA-DM message of a Windows session (MS-MDM §2.2): record what the device answered against the commands
// it answers, relay outcomes as neutral events, and reply with statuses and the next queued commands.
import type { Kysely, Transaction } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { WindowsCommand, WindowsEnrollment } from '../../core/db/edge/windows.table.js';
import type { DeviceEvent } from '../../core/device/device-event.js';
import { sealCommandResult } from '../../core/device/sealed-command-result.js';
import { holdsSecretValues, isSecretNode } from '../../core/windows/commands/windows-command-table.js';
import {
  ALERT,
  buildSyncMLReply,
  type OutgoingCommand,
  type SyncMLCommand,
  type SyncMLMessage,
} from '../../core/windows/index.js';
import { addDeviceEvent } from '../outbox/outbox.repository.js';
import {
  answeredInSession,
  markSent,
  nextQueued,
  openWindowsCommandBody,
  requeueUnanswered,
  saveAnswer,
  sentCommandAt,
} from './windows-command-queue.repository.js';
import { applyEdgeCommand, isEdgeCommand, requestPushChannel } from './push/push-channel.js';
import { lockWindowsEnrollment, markUnenrolled, recordSession } from './windows-enrollment.repository.js';

/** Commands per server message: a session carries more in later messages, each answered before the next. */
const COMMANDS_PER_MESSAGE = 20;

/** The Alert type Windows sends when the user removes the work account (MS-MDM, device unenrollment). */
const UNENROLLMENT_ALERT_TYPES = [
  'com.microsoft:mdm.unenrollment.userrequest',
  'com.microsoft/MDM/AADUnenrollment',
];

interface Answer {
  status?: string;
  values?: Record<string, string>;
  /** Status codes of an Atomic's inner commands, by CmdID. */
  statuses?: Record<string, string>;
}

/** OMA-DM RepPro §10: 1xx informational and 2xx success; 3xx–5xx did not do what was asked. */
const succeeded = (code: string) => /^[12]\d\d$/.test(code);

export interface SessionOptions {
  /** With WNS configured: the package family name the PC opens its push channel for. */
  pushPackageFamilyName?: string | undefined;
  /** The edge key ring: queued command bodies are sealed with it at rest. */
  keyRing: KeyRing;
  /** The core's sealing key (edge/core-sealing-key.ts): answers that read a secret node are sealed to it. */
  coreRecipient: () => Promise<BoxRecipient>;
}

export async function handleSyncMLMessage(
  db: Kysely<EdgeDatabase>,
  enrollment: WindowsEnrollment,
  received: SyncMLMessage,
  options: SessionOptions,
): Promise<SyncMLMessage> {
  const { sessionId } = received.header;
  const now = new Date();
  // Asked before the transaction, so none is held open while the core's key is fetched (once per process); a
  // secret whose Results came in an earlier message of the package finds the key cached by that message.
  const secretRead = received.commands.some(
    (c) => c.command === 'Results' && c.items.some((i) => i.source !== undefined && isSecretNode(i.source)),
  );
  if (secretRead) await options.coreRecipient();
  const event = <K extends DeviceEvent['kind']>(kind: K, data: Extract<DeviceEvent, { kind: K }>['data']) =>
    ({ platform: 'windows', kind, enrollmentId: enrollment.id, at: now.toISOString(), data }) as DeviceEvent;

  return db.transaction().execute(async (tx) => {
    await lockWindowsEnrollment(tx, enrollment.id);
    const events: DeviceEvent[] = [];
    const alerts = received.commands.filter((c) => c.command === 'Alert');
    if (alerts.some((a) => a.data === ALERT.clientInitiated || a.data === ALERT.clientEvent)) {
      await requeueUnanswered(tx, enrollment.id, sessionId);
      if (await recordSession(tx, enrollment.id, now)) {
        events.push(event('channel-ready', { userChannel: false, awaitingConfiguration: false }));
        const devInfo = devInfoOf(received.commands);
        if (Object.keys(devInfo).length)
          events.push(event('facts-reported', { facts: { windowsDevInfo: devInfo } }));
      }
      if (options.pushPackageFamilyName && enrollment.push_channel_uri === null)
        await requestPushChannel(tx, options.keyRing, enrollment.id, options.pushPackageFamilyName);
    }
    if (
      alerts.some(
        (a) =>
          a.data === ALERT.genericAlert &&
          a.items.some((i) => UNENROLLMENT_ALERT_TYPES.includes(i.meta?.type ?? '')),
      )
    ) {
      if (await markUnenrolled(tx, enrollment.id)) events.push(event('checked-out', {}));
    }

    await recordAnswers(tx, enrollment.id, sessionId, received.commands);
    if (received.final)
      events.push(
        ...(await finishAnswered(tx, enrollment.id, sessionId, now.toISOString(), options.coreRecipient)),
      );

    const queued = received.final ? await nextQueued(tx, enrollment.id, COMMANDS_PER_MESSAGE) : [];
    const reply = buildSyncMLReply({
      received,
      commands: queued.map(
        (row) => JSON.parse(openWindowsCommandBody(options.keyRing, row)) as OutgoingCommand,
      ),
    });
    const sent = reply.commands.slice(reply.commands.length - queued.length);
    for (const [index, row] of queued.entries()) {
      const command = sent[index]!;
      await markSent(tx, row.id, {
        sessionId,
        msgId: reply.header.msgId,
        firstCmdId: command.cmdId,
        lastCmdId: lastCmdId(command),
      });
    }
    for (const e of events) await addDeviceEvent(tx, enrollment.device_id, e);
    return reply;
  });
}

/** Statuses and Results of the device, saved against the command they answer (by MsgRef and CmdRef). */
async function recordAnswers(
  tx: Transaction<EdgeDatabase>,
  enrollmentId: string,
  sessionId: string,
  commands: readonly SyncMLCommand[],
): Promise<void> {
  const touched = new Map<string, { row: WindowsCommand; answer: Answer }>();
  for (const command of commands) {
    if ((command.command !== 'Status' && command.command !== 'Results') || command.cmdRef === 0) continue;
    const row = await sentCommandAt(tx, enrollmentId, {
      sessionId,
      msgRef: command.msgRef,
      cmdRef: command.cmdRef,
    });
    if (!row || row.status !== 'sent') continue;
    const entry = touched.get(row.id) ?? { row, answer: { ...((row.result as Answer | null) ?? {}) } };
    touched.set(row.id, entry);
    if (command.command === 'Results') {
      entry.answer.values = {
        ...entry.answer.values,
        ...Object.fromEntries(command.items.flatMap((i) => (i.source ? [[i.source, i.data ?? '']] : []))),
      };
    } else if (command.cmdRef === Number(row.first_cmd_id)) {
      entry.answer.status = command.data;
    } else {
      entry.answer.statuses = { ...entry.answer.statuses, [String(command.cmdRef)]: command.data };
    }
  }
  for (const { row, answer } of touched.values()) await saveAnswer(tx, row.id, { result: answer });
}

/**
 * At the end of the device's package every command it gave a status is final: its Results may come in any
 * message of the package (Alert 1222), so none is reported before the package is complete.
 */
async function finishAnswered(
  tx: Transaction<EdgeDatabase>,
  enrollmentId: string,
  sessionId: string,
  at: string,
  coreRecipient: () => Promise<BoxRecipient>,
): Promise<DeviceEvent[]> {
  const events: DeviceEvent[] = [];
  for (const row of await answeredInSession(tx, enrollmentId, sessionId)) {
    const answer = row.result as Answer;
    const outcome = succeeded(answer.status!) ? 'acknowledged' : 'error';
    await saveAnswer(tx, row.id, { status: outcome, result: answer });
    if (isEdgeCommand(row.request_type)) {
      await applyEdgeCommand(tx, row, answer);
      continue;
    }
    // A value read from a secret node waits in the outbox, and crosses Temporal, sealed to the core.
    const result = { ...answer };
    events.push({
      platform: 'windows',
      kind: 'command-report',
      enrollmentId,
      at,
      data: {
        commandUuid: row.command_uuid,
        outcome,
        ...(holdsSecretValues(answer)
          ? { sealedResult: sealCommandResult(await coreRecipient(), row.command_uuid, result) }
          : { result }),
      },
    });
  }
  return events;
}

/** The DevInfo nodes the first package of a session carries in its Replace (MS-MDM §2.2.7.1). */
function devInfoOf(commands: readonly SyncMLCommand[]): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const command of commands) {
    if (command.command !== 'Replace') continue;
    for (const item of command.items) {
      const match = /^\.\/DevInfo\/(DevId|Man|Mod|DmV|Lang)$/.exec(item.source ?? '');
      if (match && item.data !== undefined) facts[match[1]!] = item.data.slice(0, 256);
    }
  }
  return facts;
}

function lastCmdId(command: SyncMLCommand): number {
  return command.command === 'Atomic'
    ? Math.max(command.cmdId, ...command.commands.map(lastCmdId))
    : command.cmdId;
}
