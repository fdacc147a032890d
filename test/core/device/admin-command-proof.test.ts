import { describe, expect, it } from 'vitest';
import { claimMismatch, payloadSha256 } from '../../../core/device/admin-command-proof.js';

const claim = {
  deviceId: 'd1',
  commandUuid: 'c1',
  requestType: 'DeviceLock',
  payload: '<plist>lock</plist>',
  requestedBy: 'alice',
};
const recorded = {
  device_id: 'd1',
  request_type: 'DeviceLock',
  payload_sha256: payloadSha256(claim.payload),
  requested_by: 'alice',
};

describe('admin command proof', () => {
  it('matches the request the admin API recorded', () => {
    expect(claimMismatch(recorded, claim)).toBeUndefined();
  });

  it('names the field an Update changed: another device, type, body or requester', () => {
    expect(claimMismatch(recorded, { ...claim, deviceId: 'd2' })).toBe('device');
    expect(claimMismatch(recorded, { ...claim, requestType: 'EraseDevice' })).toBe('requestType');
    expect(claimMismatch(recorded, { ...claim, payload: '<plist>erase</plist>' })).toBe('payload');
    expect(claimMismatch(recorded, { ...claim, requestedBy: 'mallory' })).toBe('requestedBy');
  });
});
