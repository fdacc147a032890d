// Serialises a SyncMLMessage the way Windows' OMA-DM client reads it (MS-MDM §2.2).
import { xml, XmlFragment } from '../xml-template.js';
import {
  allowedInAtomic,
  METINF_NAMESPACE,
  SYNCML_NAMESPACE,
  type SyncMLCommand,
  type SyncMLItem,
  type SyncMLMessage,
  type SyncMLMeta,
} from './syncml-message.js';

export function encodeSyncML(message: SyncMLMessage): string {
  const { header } = message;
  const maxMsgSize =
    header.maxMsgSize === undefined
      ? undefined
      : xml`<Meta><MaxMsgSize xmlns="${METINF_NAMESPACE}">${header.maxMsgSize}</MaxMsgSize></Meta>`;
  return xml`<SyncML xmlns="${SYNCML_NAMESPACE}"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>${header.sessionId}</SessionID><MsgID>${header.msgId}</MsgID><Target><LocURI>${header.target}</LocURI></Target><Source><LocURI>${header.source}</LocURI></Source>${maxMsgSize}</SyncHdr><SyncBody>${message.commands.map(encodeCommand)}${message.final ? xml`<Final/>` : undefined}</SyncBody></SyncML>`
    .text;
}

function encodeCommand(command: SyncMLCommand): XmlFragment {
  switch (command.command) {
    case 'Alert':
      return xml`<Alert><CmdID>${command.cmdId}</CmdID><Data>${command.data}</Data>${command.items.map(encodeItem)}</Alert>`;
    case 'Add':
    case 'Replace':
    case 'Delete':
    case 'Exec':
    case 'Get':
      // The tag name comes from the closed list of item commands, never from input.
      return new XmlFragment(
        `<${command.command}>${xml`<CmdID>${command.cmdId}</CmdID>${encodeMeta(command.meta)}${command.items.map(encodeItem)}`.text}</${command.command}>`,
      );
    case 'Atomic': {
      const refused = command.commands.find((c) => !allowedInAtomic(c.command));
      if (refused) throw new TypeError(`Atomic may not hold ${refused.command}`);
      return xml`<Atomic><CmdID>${command.cmdId}</CmdID>${command.commands.map(encodeCommand)}</Atomic>`;
    }
    case 'Results':
      return xml`<Results><CmdID>${command.cmdId}</CmdID><MsgRef>${command.msgRef}</MsgRef><CmdRef>${command.cmdRef}</CmdRef>${command.items.map(encodeItem)}</Results>`;
    case 'Status': {
      const targetRef =
        command.targetRef === undefined ? undefined : xml`<TargetRef>${command.targetRef}</TargetRef>`;
      const sourceRef =
        command.sourceRef === undefined ? undefined : xml`<SourceRef>${command.sourceRef}</SourceRef>`;
      return xml`<Status><CmdID>${command.cmdId}</CmdID><MsgRef>${command.msgRef}</MsgRef><CmdRef>${command.cmdRef}</CmdRef><Cmd>${command.cmd}</Cmd>${targetRef}${sourceRef}<Data>${command.data}</Data></Status>`;
    }
    default:
      return unreachable(command);
  }
}

function encodeItem(item: SyncMLItem): XmlFragment {
  const target =
    item.target === undefined ? undefined : xml`<Target><LocURI>${item.target}</LocURI></Target>`;
  const source =
    item.source === undefined ? undefined : xml`<Source><LocURI>${item.source}</LocURI></Source>`;
  const data = item.data === undefined ? undefined : xml`<Data>${item.data}</Data>`;
  return xml`<Item>${target}${source}${encodeMeta(item.meta)}${data}</Item>`;
}

function encodeMeta(meta: SyncMLMeta | undefined): XmlFragment | undefined {
  if (!meta || (meta.format === undefined && meta.type === undefined)) return undefined;
  const format =
    meta.format === undefined ? undefined : xml`<Format xmlns="${METINF_NAMESPACE}">${meta.format}</Format>`;
  const type =
    meta.type === undefined ? undefined : xml`<Type xmlns="${METINF_NAMESPACE}">${meta.type}</Type>`;
  return xml`<Meta>${format}${type}</Meta>`;
}

function unreachable(value: never): never {
  throw new TypeError(`unhandled SyncML command ${JSON.stringify(value)}`);
}
