import { describe, expect, it } from 'vitest';
import { appleTargetOf } from '../../../../core/apple/policy/device-target.js';

describe('the policy target of an enrolled Apple device', () => {
  const iphone = { os_platform: 'iOS', os_version: '18.1' };

  it('is a User Enrollment when the edge marked its Authenticate so (it came with an EnrollmentID)', () => {
    const target = appleTargetOf({
      ...iphone,
      facts: { authenticate: { udid: 'E-1', userEnrollment: true } },
    });
    expect(target).toMatchObject({ platform: 'iOS', enrollment: 'user' });
  });

  it('is a device enrollment otherwise', () => {
    const target = appleTargetOf({ ...iphone, facts: { authenticate: { udid: 'U-1' } } });
    expect(target).toMatchObject({ enrollment: 'device' });
  });
});
