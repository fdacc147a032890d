import { describe, expect, it } from 'vitest';
import { POLICY_REQUESTER, policyReportNeedsWorkflow } from '../../../core/policy/index.js';

describe('policyReportNeedsWorkflow', () => {
  it("wakes the device workflow for any ProfileList, a policy proof's or an admin's, and for the enrolment inventory", () => {
    expect(policyReportNeedsWorkflow({ requestType: 'ProfileList', requestedBy: POLICY_REQUESTER })).toBe(
      true,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'ProfileList', requestedBy: 'token:abc' })).toBe(true);
    expect(policyReportNeedsWorkflow({ requestType: 'DeviceInformation', requestedBy: 'keep' })).toBe(true);
  });

  it('leaves the rest to the bulk write: installs, SecurityInfo proofs and other queries an admin sent', () => {
    expect(policyReportNeedsWorkflow({ requestType: 'InstallProfile', requestedBy: POLICY_REQUESTER })).toBe(
      false,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'SecurityInfo', requestedBy: POLICY_REQUESTER })).toBe(
      false,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'SecurityInfo', requestedBy: 'token:abc' })).toBe(false);
  });
});
