import { describe, expect, it } from 'vitest';
import { generateBoxKeyPair, openSealed } from '../../../core/crypto/sealed-box.js';
import type { DeviceEvent } from '../../../core/device/device-event.js';
import {
  openCommandResult,
  sealCommandResult,
  SealedCommandResultError,
} from '../../../core/device/sealed-command-result.js';

describe('sealed command results', () => {
  const core = generateBoxKeyPair('core');
  const open = (sealed: string, context: string) => openSealed(core, sealed, context);
  const report = (commandUuid: string, sealedResult: string): DeviceEvent => ({
    platform: 'apple',
    kind: 'command-report',
    enrollmentId: 'e-1',
    at: new Date(0).toISOString(),
    data: { commandUuid, outcome: 'acknowledged', sealedResult },
  });
  const result = { SecurityInfo: { FDE_PersonalRecoveryKeyCMS: 'MIIB…' } };

  it('opens into the result of the command it was sealed for', () => {
    const sealed = sealCommandResult(core.recipient, 'cmd-1', result);
    expect(sealed).not.toContain('FDE_PersonalRecoveryKeyCMS');
    expect(openCommandResult(report('cmd-1', sealed), open)).toMatchObject({
      data: { commandUuid: 'cmd-1', outcome: 'acknowledged', result },
    });
  });

  it('refuses one moved onto another command, sealed to another key, or changed, naming the command only', () => {
    const sealed = sealCommandResult(core.recipient, 'cmd-1', result);
    const foreign = sealCommandResult(generateBoxKeyPair('other').recipient, 'cmd-1', result);
    const flipped = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const [uuid, box] of [
      ['cmd-2', sealed],
      ['cmd-1', foreign],
      ['cmd-1', flipped],
    ] as const) {
      const attempt = () => openCommandResult(report(uuid, box), open);
      expect(attempt).toThrow(SealedCommandResultError);
      expect(attempt).toThrow(`the sealed answer to command ${uuid} does not open`);
    }
  });
});
