import { describe, expect, it } from 'vitest';
import { POLICY_REQUESTER, policyReportNeedsWorkflow } from '../../../core/policy/index.js';

describe('policyReportNeedsWorkflow', () => {
  it("wakes the device workflow for a policy proof's ProfileList and for the enrolment inventory", () => {
    expect(policyReportNeedsWorkflow({ requestType: 'ProfileList', requestedBy: POLICY_REQUESTER })).toBe(
      true,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'DeviceInformation', requestedBy: 'keep' })).toBe(true);
  });

  it('leaves the rest to the bulk write: installs, SecurityInfo proofs and what an admin sent', () => {
    expect(policyReportNeedsWorkflow({ requestType: 'InstallProfile', requestedBy: POLICY_REQUESTER })).toBe(
      false,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'SecurityInfo', requestedBy: POLICY_REQUESTER })).toBe(
      false,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'ProfileList', requestedBy: 'token:abc' })).toBe(false);
  });
});
