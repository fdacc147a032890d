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

  it("wakes it for the Get that proves a Windows PC's policy nodes, not for the Replace that set them", () => {
    expect(policyReportNeedsWorkflow({ requestType: 'PolicyCheck', requestedBy: POLICY_REQUESTER })).toBe(
      true,
    );
    expect(policyReportNeedsWorkflow({ requestType: 'Replace', requestedBy: POLICY_REQUESTER })).toBe(false);
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
