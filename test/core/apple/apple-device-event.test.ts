import { describe, expect, it } from 'vitest';
import { appleDeviceEvent } from '../../../core/apple/apple-device-event.js';
import { normalizeDeviceEvent } from '../../../core/device/received-device-event.js';

const envelope = { enrollmentId: 'e-1', at: '2026-11-30T00:00:00.000Z' };

describe('appleDeviceEvent', () => {
  it('translates Authenticate into the neutral event, keeping the whole message as its facts', () => {
    const authenticate = {
      ...envelope,
      kind: 'authenticated' as const,
      udid: 'UDID-1',
      serialNumber: 'C02',
      deviceName: 'Mac',
      model: 'Mac14,2',
      modelName: 'MacBook Air',
    };
    expect(appleDeviceEvent(authenticate)).toEqual({
      platform: 'apple',
      kind: 'authenticated',
      ...envelope,
      data: {
        hardwareId: 'UDID-1',
        serialNumber: 'C02',
        name: 'Mac',
        model: 'MacBook Air',
        facts: { authenticate },
      },
    });
  });

  it("maps Apple's command statuses to the neutral outcomes", () => {
    const report = (status: 'Acknowledged' | 'Error' | 'CommandFormatError' | 'NotNow') =>
      appleDeviceEvent({ ...envelope, kind: 'command-report', commandUuid: 'c', status });
    expect(report('Acknowledged').data).toEqual({ commandUuid: 'c', outcome: 'acknowledged' });
    expect(report('CommandFormatError').data).toMatchObject({ outcome: 'format-error' });
    expect(report('NotNow').data).toMatchObject({ outcome: 'not-now' });
  });

  it('makes TokenUpdate a channel-ready event and a declarative status report facts', () => {
    expect(
      appleDeviceEvent({ ...envelope, kind: 'token-updated', user: true, awaitingConfiguration: false }),
    ).toMatchObject({ kind: 'channel-ready', data: { userChannel: true } });
    expect(appleDeviceEvent({ ...envelope, kind: 'declarative-status', report: { x: 1 } })).toMatchObject({
      kind: 'facts-reported',
      data: { facts: { declarativeStatus: { x: 1 } } },
    });
  });
});

describe('normalizeDeviceEvent', () => {
  it('passes a neutral event through and translates the Apple-only shape of earlier edges', () => {
    const neutral = { platform: 'test', kind: 'checked-out' as const, ...envelope, data: {} };
    expect(normalizeDeviceEvent(neutral)).toBe(neutral);
    expect(normalizeDeviceEvent({ kind: 'checked-out', ...envelope })).toEqual({
      ...neutral,
      platform: 'apple',
    });
  });
});
