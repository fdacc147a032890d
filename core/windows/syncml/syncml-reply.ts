// Builds the server's answer to a device's OMA-DM message: a Status for everything received, then new commands.
import { ALERT, type SyncMLCommand, type SyncMLMessage } from './syncml-message.js';

/** A command to send, before the reply numbers it. */
export type OutgoingCommand = SyncMLCommand extends infer C
  ? C extends { command: 'Atomic' }
    ? { readonly command: 'Atomic'; readonly commands: readonly OutgoingCommand[] }
    : C extends SyncMLCommand
      ? Omit<C, 'cmdId'>
      : never
  : never;

export interface SyncMLReplyInput {
  readonly received: SyncMLMessage;
  /** The status code for each received command (its Data in the Status); `200` when not given. */
  readonly statusOf?: (command: SyncMLCommand) => string;
  /** Commands for the device; they must wait while the device's own package is still incomplete. */
  readonly commands?: readonly OutgoingCommand[];
}

/**
 * Answers one device message. The header is acknowledged with CmdRef 0, every received command except a Status
 * gets its Status (an Atomic's inner commands too), and CmdIDs count up from 1 across statuses and commands.
 * When the device's message lacks Final its package goes on, so the reply asks for the next message with Alert
 * 1222 instead of sending commands; the reply itself is a complete package and carries Final.
 */
export function buildSyncMLReply(input: SyncMLReplyInput): SyncMLMessage {
  const { received } = input;
  const statusOf = input.statusOf ?? (() => '200');
  let next = 1;
  const commands: SyncMLCommand[] = [
    {
      command: 'Status',
      cmdId: next++,
      msgRef: received.header.msgId,
      cmdRef: 0,
      cmd: 'SyncHdr',
      data: '200',
    },
  ];
  const acknowledge = (command: SyncMLCommand): void => {
    if (command.command === 'Status') return;
    commands.push({
      command: 'Status',
      cmdId: next++,
      msgRef: received.header.msgId,
      cmdRef: command.cmdId,
      cmd: command.command,
      data: statusOf(command),
    });
    if (command.command === 'Atomic') command.commands.forEach(acknowledge);
  };
  received.commands.forEach(acknowledge);

  const outgoing = input.commands ?? [];
  if (!received.final) {
    if (outgoing.length > 0)
      throw new TypeError('commands must wait until the device has sent its whole package');
    commands.push({ command: 'Alert', cmdId: next++, data: ALERT.nextMessage, items: [] });
  }
  const number = (command: OutgoingCommand): SyncMLCommand => {
    const cmdId = next++;
    return command.command === 'Atomic'
      ? { command: 'Atomic', cmdId, commands: command.commands.map(number) }
      : { ...command, cmdId };
  };
  commands.push(...outgoing.map(number));

  return {
    header: {
      sessionId: received.header.sessionId,
      // Each server message answers exactly one device message, so it takes the same number.
      msgId: received.header.msgId,
      target: received.header.source,
      source: received.header.target,
    },
    commands,
    final: true,
  };
}
