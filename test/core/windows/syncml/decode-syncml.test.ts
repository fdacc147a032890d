import { describe, expect, it } from 'vitest';
import { decodeSyncML } from '../../../../core/windows/syncml/decode-syncml.js';
import { WindowsProtocolError } from '../../../../core/windows/windows-protocol-error.js';
import { fixture } from '../fixtures.js';

const firstPackage = fixture('syncml-first-package.xml');

describe('decodeSyncML', () => {
  it("reads a Windows client's first package: header, session alerts and DevInfo", () => {
    const message = decodeSyncML(firstPackage);
    expect(message.header).toEqual({
      sessionId: '1A',
      msgId: 1,
      target: 'https://mdm.example.com/ManagementServer/MDM.svc',
      source: 'AB157C3A18778F4FB21E2739066C1F27',
      maxMsgSize: 524288,
    });
    expect(message.final).toBe(true);
    expect(message.commands.map((c) => c.command)).toEqual(['Alert', 'Alert', 'Replace']);
    expect(message.commands[0]).toEqual({ command: 'Alert', cmdId: 1, data: '1201', items: [] });
    expect(message.commands[1]).toMatchObject({
      data: '1224',
      items: [{ meta: { type: 'com.microsoft/MDM/LoginStatus' }, data: 'user' }],
    });
    const replace = message.commands[2];
    if (replace?.command !== 'Replace') throw new Error('expected Replace');
    expect(replace.items).toContainEqual({
      source: './DevInfo/Man',
      data: 'Contoso & Sons',
      target: undefined,
      meta: undefined,
    });
    expect(replace.items).toHaveLength(6);
  });

  it('reads Status and Results, keeping CDATA data as sent, and a generic alert 1226', () => {
    const part1 = decodeSyncML(fixture('syncml-results-part-1.xml'));
    expect(part1.final).toBe(false);
    expect(part1.commands[1]).toEqual({
      command: 'Status',
      cmdId: 2,
      msgRef: 1,
      cmdRef: 5,
      cmd: 'Get',
      data: '200',
      targetRef: undefined,
      sourceRef: undefined,
    });
    expect(part1.commands[2]).toEqual({
      command: 'Results',
      cmdId: 3,
      msgRef: 1,
      cmdRef: 5,
      items: [
        {
          source: './DevDetail/SwV',
          target: undefined,
          meta: { format: 'chr', type: 'text/plain' },
          data: '10.0.22631.4460',
        },
      ],
    });
    const part2 = decodeSyncML(fixture('syncml-results-part-2.xml'));
    expect(part2.final).toBe(true);
    expect(part2.commands[2]).toMatchObject({ items: [{ data: '<Policy><Area>Camera</Area></Policy>' }] });
    expect(part2.commands[3]).toMatchObject({
      command: 'Alert',
      data: '1226',
      items: [{ meta: { type: 'com.microsoft:mdm.unenrollment.userrequest', format: 'int' }, data: '1' }],
    });
  });

  it('reads an Atomic and the commands inside it', () => {
    const body = firstPackage.replace(
      '<Final/>',
      '<Atomic><CmdID>4</CmdID><Add><CmdID>5</CmdID><Item><Target><LocURI>./a</LocURI></Target></Item></Add><Replace><CmdID>6</CmdID></Replace></Atomic><Final/>',
    );
    expect(decodeSyncML(body).commands[3]).toEqual({
      command: 'Atomic',
      cmdId: 4,
      commands: [
        {
          command: 'Add',
          cmdId: 5,
          meta: undefined,
          items: [{ target: './a', source: undefined, meta: undefined, data: undefined }],
        },
        { command: 'Replace', cmdId: 6, meta: undefined, items: [] },
      ],
    });
  });

  it('refuses an Atomic nested in an Atomic, and a Get inside one', () => {
    const nested = firstPackage.replace(
      '<Final/>',
      '<Atomic><CmdID>4</CmdID><Atomic><CmdID>5</CmdID></Atomic></Atomic><Final/>',
    );
    expect(() => decodeSyncML(nested)).toThrow(
      new WindowsProtocolError('invalid-value', '<SyncBody/Atomic> may not hold <Atomic>'),
    );
    const get = firstPackage.replace(
      '<Final/>',
      '<Atomic><CmdID>4</CmdID><Get><CmdID>5</CmdID></Get></Atomic><Final/>',
    );
    expect(() => decodeSyncML(get)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
  });

  it('refuses a message without a SyncHdr', () => {
    const body = firstPackage.replace(/<SyncHdr>[\s\S]*<\/SyncHdr>/, '');
    expect(() => decodeSyncML(body)).toThrow(
      new WindowsProtocolError('missing-element', 'missing <SyncHdr>'),
    );
  });

  it('refuses an unknown command, naming it', () => {
    const body = firstPackage.replace('<Final/>', '<Sync><CmdID>9</CmdID></Sync><Final/>');
    expect(() => decodeSyncML(body)).toThrow(
      new WindowsProtocolError('unknown-command', 'unknown SyncML command <Sync> in <SyncBody>'),
    );
  });

  it('refuses commands without a CmdID, other protocol versions and other roots', () => {
    expect(() => decodeSyncML(firstPackage.replace('<CmdID>1</CmdID>', ''))).toThrow(
      new WindowsProtocolError('missing-element', 'missing <SyncBody/Alert/CmdID>'),
    );
    expect(() => decodeSyncML(firstPackage.replace('<VerProto>DM/1.2<', '<VerProto>DM/1.1<'))).toThrow(
      expect.objectContaining({ code: 'invalid-value' }),
    );
    expect(() => decodeSyncML('<SyncML xmlns="SYNCML:SYNCML1.1"/>')).toThrow(
      expect.objectContaining({ code: 'unexpected-message' }),
    );
    expect(() =>
      decodeSyncML(
        firstPackage.replace('<Final/>', '<Final/><Alert><CmdID>9</CmdID><Data>1201</Data></Alert>'),
      ),
    ).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('refuses malformed SyncML and entity expansion attempts', () => {
    expect(() => decodeSyncML(firstPackage.replace('</SyncBody>', ''))).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    const laughs = `<!DOCTYPE SyncML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>${firstPackage.replace('user<', '&b;<')}`;
    expect(() => decodeSyncML(laughs)).toThrow(expect.objectContaining({ code: 'doctype' }));
    expect(() => decodeSyncML(firstPackage.replace('user<', '&b;<'))).toThrow(
      expect.objectContaining({ code: 'entity' }),
    );
  });

  it('refuses an oversized or deeply nested message', () => {
    expect(() => decodeSyncML(firstPackage, { maxBytes: 512 })).toThrow(
      expect.objectContaining({ code: 'too-large' }),
    );
    const deep = firstPackage.replace(
      '<Data>user</Data>',
      `<Data>${'<x>'.repeat(40)}${'</x>'.repeat(40)}</Data>`,
    );
    expect(() => decodeSyncML(deep)).toThrow(expect.objectContaining({ code: 'too-deep' }));
  });
});
