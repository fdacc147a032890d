import { describe, expect, it } from 'vitest';
import { reportedProfileIdentifiers } from '../../../../core/apple/policy/index.js';
import { verifyApplied } from '../../../../core/policy/index.js';

describe('verifyApplied against a ProfileList', () => {
  const reported = reportedProfileIdentifiers([
    { PayloadIdentifier: 'keep.policy.a.profile.firewall' },
    'junk',
    null,
  ]);

  it('proves a listed profile installed', () => {
    expect(
      verifyApplied([{ identifier: 'keep.policy.a.profile.firewall', status: 'sent' }], reported),
    ).toEqual({
      statuses: [{ identifier: 'keep.policy.a.profile.firewall', status: 'installed' }],
      drift: false,
    });
  });

  it('calls a profile that was proven installed and is gone drift, to be re-applied', () => {
    expect(
      verifyApplied([{ identifier: 'keep.policy.a.profile.passcode', status: 'installed' }], reported),
    ).toEqual({
      statuses: [{ identifier: 'keep.policy.a.profile.passcode', status: 'missing' }],
      drift: true,
    });
  });

  it('fails a sent profile the device never listed, without re-sending it in a loop', () => {
    expect(
      verifyApplied([{ identifier: 'keep.policy.a.profile.passcode', status: 'sent' }], reported),
    ).toEqual({
      statuses: [{ identifier: 'keep.policy.a.profile.passcode', status: 'failed' }],
      drift: false,
    });
  });

  it('reads nothing from an answer not shaped as Apple documents it', () => {
    expect(reportedProfileIdentifiers({ PayloadIdentifier: 'x' }).size).toBe(0);
  });
});
