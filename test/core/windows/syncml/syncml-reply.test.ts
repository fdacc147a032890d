import { describe, expect, it } from 'vitest';
import { decodeSyncML } from '../../../../core/windows/syncml/decode-syncml.js';
import { encodeSyncML } from '../../../../core/windows/syncml/encode-syncml.js';
import { buildSyncMLReply } from '../../../../core/windows/syncml/syncml-reply.js';
import type { SyncMLMessage } from '../../../../core/windows/syncml/syncml-message.js';
import { fixture } from '../fixtures.js';

describe('buildSyncMLReply', () => {
  it('acknowledges the header and every command, then numbers new commands after the statuses', () => {
    const received = decodeSyncML(fixture('syncml-first-package.xml'));
    const reply = buildSyncMLReply({
      received,
      commands: [
        { command: 'Get', items: [{ target: './DevDetail/SwV' }] },
        {
          command: 'Atomic',
          commands: [
            {
              command: 'Replace',
              items: [
                {
                  target: './Vendor/MSFT/Policy/Config/Camera/AllowCamera',
                  meta: { format: 'int' },
                  data: '0',
                },
              ],
            },
            { command: 'Exec', items: [{ target: './Vendor/MSFT/RemoteWipe/doWipe' }] },
          ],
        },
      ],
    });
    expect(reply.header).toEqual({
      sessionId: '1A',
      msgId: 1,
      target: 'AB157C3A18778F4FB21E2739066C1F27',
      source: 'https://mdm.example.com/ManagementServer/MDM.svc',
    });
    expect(reply.final).toBe(true);
    expect(reply.commands.slice(0, 4)).toEqual([
      { command: 'Status', cmdId: 1, msgRef: 1, cmdRef: 0, cmd: 'SyncHdr', data: '200' },
      { command: 'Status', cmdId: 2, msgRef: 1, cmdRef: 1, cmd: 'Alert', data: '200' },
      { command: 'Status', cmdId: 3, msgRef: 1, cmdRef: 2, cmd: 'Alert', data: '200' },
      { command: 'Status', cmdId: 4, msgRef: 1, cmdRef: 3, cmd: 'Replace', data: '200' },
    ]);
    expect(reply.commands[4]).toEqual({ command: 'Get', cmdId: 5, items: [{ target: './DevDetail/SwV' }] });
    expect(reply.commands[5]).toMatchObject({
      command: 'Atomic',
      cmdId: 6,
      commands: [
        { command: 'Replace', cmdId: 7 },
        { command: 'Exec', cmdId: 8 },
      ],
    });
  });

  it('uses the status the caller gives for each command', () => {
    const received = decodeSyncML(fixture('syncml-first-package.xml'));
    const reply = buildSyncMLReply({ received, statusOf: (c) => (c.command === 'Replace' ? '405' : '200') });
    expect(reply.commands.at(-1)).toMatchObject({ cmd: 'Replace', data: '405' });
  });

  it('asks for the next message with Alert 1222 while the device package is incomplete', () => {
    const part1 = decodeSyncML(fixture('syncml-results-part-1.xml'));
    const reply = buildSyncMLReply({ received: part1 });
    // The device's Status commands get no Status; its Results do.
    expect(reply.commands).toEqual([
      { command: 'Status', cmdId: 1, msgRef: 2, cmdRef: 0, cmd: 'SyncHdr', data: '200' },
      { command: 'Status', cmdId: 2, msgRef: 2, cmdRef: 3, cmd: 'Results', data: '200' },
      { command: 'Alert', cmdId: 3, data: '1222', items: [] },
    ]);
    expect(() => buildSyncMLReply({ received: part1, commands: [{ command: 'Get', items: [] }] })).toThrow(
      TypeError,
    );

    const part2 = decodeSyncML(fixture('syncml-results-part-2.xml'));
    const last = buildSyncMLReply({ received: part2 });
    expect(last.header.msgId).toBe(3);
    expect(last.commands.map((c) => c.command)).toEqual(['Status', 'Status', 'Status']);
    expect(last.commands.at(-1)).toMatchObject({ cmdRef: 4, cmd: 'Alert' });
  });
});

describe('encodeSyncML', () => {
  it('round-trips through the decoder, escaping data', () => {
    const message: SyncMLMessage = {
      header: {
        sessionId: '1A',
        msgId: 2,
        target: 'device-1',
        source: 'https://mdm.example.com/m?a=1&b=2',
        maxMsgSize: 65536,
      },
      final: true,
      commands: [
        {
          command: 'Status',
          cmdId: 1,
          msgRef: 2,
          cmdRef: 0,
          cmd: 'SyncHdr',
          data: '200',
          targetRef: 'device-1',
        },
        { command: 'Alert', cmdId: 2, data: '1222', items: [] },
        {
          command: 'Add',
          cmdId: 3,
          meta: { format: 'chr', type: 'text/plain' },
          items: [
            { target: './Vendor/MSFT/Policy/Config/X', meta: { format: 'xml' }, data: '<a b="c">&</a>' },
          ],
        },
        { command: 'Delete', cmdId: 4, items: [{ target: './Vendor/MSFT/Y' }] },
        {
          command: 'Atomic',
          cmdId: 5,
          commands: [{ command: 'Exec', cmdId: 6, items: [{ target: './Vendor/MSFT/Reboot/RebootNow' }] }],
        },
        { command: 'Results', cmdId: 7, msgRef: 1, cmdRef: 3, items: [{ source: './x', data: '1' }] },
      ],
    };
    const xml = encodeSyncML(message);
    expect(xml).toContain('<Data>&lt;a b=&quot;c&quot;&gt;&amp;&lt;/a&gt;</Data>');
    expect(xml).toContain('<Format xmlns="syncml:metinf">chr</Format>');
    expect(decodeSyncML(xml)).toEqual(message);
  });

  it('ends the body with Final only when the package is complete', () => {
    const message: SyncMLMessage = {
      header: { sessionId: '1', msgId: 1, target: 'd', source: 's' },
      final: false,
      commands: [],
    };
    expect(encodeSyncML(message)).not.toContain('<Final/>');
    expect(encodeSyncML({ ...message, final: true })).toContain('<SyncBody><Final/></SyncBody>');
  });

  it('refuses to send an Atomic holding an Atomic or a Get', () => {
    const message: SyncMLMessage = {
      header: { sessionId: '1', msgId: 1, target: 'd', source: 's' },
      final: true,
      commands: [{ command: 'Atomic', cmdId: 1, commands: [{ command: 'Get', cmdId: 2, items: [] }] }],
    };
    expect(() => encodeSyncML(message)).toThrow(TypeError);
  });
});
