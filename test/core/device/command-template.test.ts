import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCommand, serializeCommand } from '../../../core/apple/commands/index.js';
import { parsePlistDict } from '../../../core/apple/plist-codec.js';
import { commandFromTemplate } from '../../../core/device/command-template.js';

describe('a command built once for many devices', () => {
  it("gives each device's copy its own command UUID and the command as built", () => {
    const placeholderUuid = randomUUID();
    const payload = serializeCommand(
      buildCommand({ requestType: 'DeviceInformation', queries: ['OSVersion'] }, placeholderUuid),
    );
    const template = { requestType: 'DeviceInformation', payload, placeholderUuid };
    const [a, b] = [randomUUID(), randomUUID()].map((uuid) => commandFromTemplate(template, uuid));
    expect(parsePlistDict(a!.payload).CommandUUID).toBe(a!.commandUuid);
    expect(parsePlistDict(b!.payload).CommandUUID).toBe(b!.commandUuid);
    expect(a!.payload).not.toContain(placeholderUuid);
    expect(parsePlistDict(a!.payload).Command).toEqual(parsePlistDict(payload).Command);
    expect(a!.requestType).toBe('DeviceInformation');
  });
});
