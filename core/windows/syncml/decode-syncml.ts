// Decodes a device's OMA-DM message (MS-MDM §2.2) into a SyncMLMessage, refusing anything it does not know.
import { WindowsProtocolError } from '../windows-protocol-error.js';
import {
  child,
  children,
  optionalText,
  parseXmlDocument,
  required,
  type XmlElement,
  type XmlParseOptions,
} from '../xml-document.js';
import {
  allowedInAtomic,
  COMMAND_NAMES,
  SYNCML_NAMESPACE,
  type SyncMLCommand,
  type SyncMLCommandName,
  type SyncMLHeader,
  type SyncMLItem,
  type SyncMLMessage,
  type SyncMLMeta,
} from './syncml-message.js';

export function decodeSyncML(input: string | Uint8Array, options?: XmlParseOptions): SyncMLMessage {
  const root = parseXmlDocument(input, options);
  // Windows writes the namespace as SYNCML:SYNCML1.2; OMA's examples use lower case, so compare without case.
  if (root.local !== 'SyncML' || root.ns?.toUpperCase() !== SYNCML_NAMESPACE) {
    throw new WindowsProtocolError(
      'unexpected-message',
      'root element is not <SyncML xmlns="SYNCML:SYNCML1.2">',
    );
  }
  const header = decodeHeader(required(root, 'SyncHdr'));
  const body = required(root, 'SyncBody');
  const commands: SyncMLCommand[] = [];
  let final = false;
  for (const element of body.children) {
    if (final) throw new WindowsProtocolError('malformed', '<Final> must be the last element of <SyncBody>');
    if (element.local === 'Final') final = true;
    else commands.push(decodeCommand(element, 'SyncBody'));
  }
  return { header, commands, final };
}

function decodeHeader(header: XmlElement): SyncMLHeader {
  if (optionalText(header, 'VerDTD') !== '1.2')
    throw new WindowsProtocolError('invalid-value', '<SyncHdr/VerDTD> is not 1.2');
  if (optionalText(header, 'VerProto') !== 'DM/1.2') {
    throw new WindowsProtocolError('invalid-value', '<SyncHdr/VerProto> is not DM/1.2');
  }
  const sessionId = optionalText(header, 'SessionID');
  if (!sessionId || !/^[0-9A-Fa-f]{1,8}$/.test(sessionId)) {
    throw new WindowsProtocolError('invalid-value', '<SyncHdr/SessionID> is missing or not a session number');
  }
  const maxMsgSize = optionalText(header, 'Meta', 'MaxMsgSize');
  return {
    sessionId,
    msgId: integer(header, 'SyncHdr', 'MsgID', 1),
    target: locUri(header, 'SyncHdr', 'Target'),
    source: locUri(header, 'SyncHdr', 'Source'),
    maxMsgSize: maxMsgSize === undefined ? undefined : integer(header, 'SyncHdr', 'Meta/MaxMsgSize', 1),
  };
}

function decodeCommand(element: XmlElement, parent: string): SyncMLCommand {
  const name = COMMAND_NAMES.find((n) => n === element.local);
  if (!name) {
    throw new WindowsProtocolError(
      'unknown-command',
      `unknown SyncML command <${element.local.slice(0, 32)}> in <${parent}>`,
    );
  }
  const path = `${parent}/${name}`;
  const cmdId = integer(element, path, 'CmdID', 1);
  return decoders[name](element, path, cmdId);
}

type Decoder = (element: XmlElement, path: string, cmdId: number) => SyncMLCommand;

/** One decoder per command; the Record type makes a missing command a compile error. */
const decoders: Record<SyncMLCommandName, Decoder> = {
  Alert: (element, path, cmdId) => {
    const data = optionalText(element, 'Data');
    if (!data || !/^\d{4}$/.test(data))
      throw new WindowsProtocolError('invalid-value', `<${path}/Data> is not an alert code`);
    return { command: 'Alert', cmdId, data, items: items(element, path) };
  },
  Add: itemCommand('Add'),
  Replace: itemCommand('Replace'),
  Delete: itemCommand('Delete'),
  Exec: itemCommand('Exec'),
  Get: itemCommand('Get'),
  Atomic: (element, path, cmdId) => {
    const commands = element.children
      .filter((c) => c.local !== 'CmdID' && c.local !== 'Meta')
      .map((c) => decodeCommand(c, path));
    const refused = commands.find((c) => !allowedInAtomic(c.command));
    if (refused)
      throw new WindowsProtocolError('invalid-value', `<${path}> may not hold <${refused.command}>`);
    return { command: 'Atomic', cmdId, commands };
  },
  Results: (element, path, cmdId) => ({
    command: 'Results',
    cmdId,
    msgRef: integer(element, path, 'MsgRef', 1),
    cmdRef: integer(element, path, 'CmdRef', 0),
    items: items(element, path),
  }),
  Status: (element, path, cmdId) => {
    const cmd = optionalText(element, 'Cmd');
    if (!cmd) throw new WindowsProtocolError('missing-element', `missing <${path}/Cmd>`);
    const data = optionalText(element, 'Data');
    if (!data || !/^\d{3,4}$/.test(data))
      throw new WindowsProtocolError('invalid-value', `<${path}/Data> is not a status code`);
    return {
      command: 'Status',
      cmdId,
      msgRef: integer(element, path, 'MsgRef', 1),
      cmdRef: integer(element, path, 'CmdRef', 0),
      cmd,
      data,
      targetRef: optionalText(element, 'TargetRef'),
      sourceRef: optionalText(element, 'SourceRef'),
    };
  },
};

function itemCommand(command: 'Add' | 'Replace' | 'Delete' | 'Exec' | 'Get'): Decoder {
  return (element, path, cmdId) => {
    const metaElement = child(element, 'Meta');
    return { command, cmdId, meta: metaElement && meta(metaElement), items: items(element, path) };
  };
}

function items(element: XmlElement, path: string): SyncMLItem[] {
  return children(element, 'Item').map((item) => {
    const data = child(item, 'Data');
    if (data && data.children.length > 0) {
      throw new WindowsProtocolError(
        'invalid-value',
        `<${path}/Item/Data> holds elements; escape or wrap them in CDATA`,
      );
    }
    const metaElement = child(item, 'Meta');
    return {
      target: optionalText(item, 'Target', 'LocURI'),
      source: optionalText(item, 'Source', 'LocURI'),
      meta: metaElement && meta(metaElement),
      data: data?.text,
    };
  });
}

function meta(element: XmlElement): SyncMLMeta {
  return { format: optionalText(element, 'Format'), type: optionalText(element, 'Type') };
}

function locUri(element: XmlElement, path: string, local: string): string {
  const value = optionalText(element, local, 'LocURI');
  if (!value) throw new WindowsProtocolError('missing-element', `missing <${path}/${local}/LocURI>`);
  return value;
}

function integer(element: XmlElement, path: string, name: string, min: number): number {
  const text = name
    .split('/')
    .reduce<XmlElement | undefined>((e, local) => e && child(e, local), element)
    ?.text.trim();
  if (text === undefined) throw new WindowsProtocolError('missing-element', `missing <${path}/${name}>`);
  const value = Number(text);
  if (!/^\d{1,10}$/.test(text) || value < min || value > 0x7fffffff) {
    throw new WindowsProtocolError('invalid-value', `<${path}/${name}> is not an integer of at least ${min}`);
  }
  return value;
}
