import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestPlanes } from '../../support/test-context.js';
import { buildCsr } from '../../sim/scep/x509-builder.js';
import {
  discoverRequest,
  getPoliciesRequest,
  requestSecurityTokenRequest,
} from '../../sim/windows/enrollment-messages.js';

const BASE = 'https://enterpriseenrollment.keep.test';
const credential = { username: 'ada', password: 'secret' };

describe('Windows enrolment endpoints', () => {
  const planes = useTestPlanes();

  const post = (path: string, body: string) =>
    planes.edgeApp.request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' },
      body,
    });

  const subcode = (text: string) => /<s:Subcode><s:Value>([^<]+)<\/s:Value>/.exec(text)?.[1];

  it('answers GET on the discovery URL with 200, as Windows probes it before POSTing', async () => {
    const response = await planes.edgeApp.request(`${BASE}/EnrollmentServer/Discovery.svc`);
    expect(response.status).toBe(200);
  });

  it('answers Discover with OnPremise and this edge’s URLs, with an explicit Content-Length', async () => {
    const url = `${BASE}/EnrollmentServer/Discovery.svc`;
    const response = await post('/EnrollmentServer/Discovery.svc', discoverRequest(url, 'ada@keep.test'));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(text).toContain('<AuthPolicy>OnPremise</AuthPolicy>');
    expect(text).toContain(
      `<EnrollmentPolicyServiceUrl>${BASE}/EnrollmentServer/Policy.svc</EnrollmentPolicyServiceUrl>`,
    );
    expect(text).toContain(
      `<EnrollmentServiceUrl>${BASE}/EnrollmentServer/Enrollment.svc</EnrollmentServiceUrl>`,
    );
  });

  it('refuses a client that cannot enrol on premises with s:Authorization', async () => {
    const body = discoverRequest(`${BASE}/x`, 'ada@keep.test').replace(
      '<AuthPolicy>OnPremise</AuthPolicy>',
      '',
    );
    const response = await post('/EnrollmentServer/Discovery.svc', body);
    expect(response.status).toBe(403);
    expect(subcode(await response.text())).toBe('s:Authorization');
  });

  it('answers malformed SOAP and entity declarations with s:MessageFormat naming the problem', async () => {
    const broken = await post('/EnrollmentServer/Discovery.svc', '<s:Envelope');
    expect(broken.status).toBe(400);
    expect(subcode(await broken.text())).toBe('s:MessageFormat');
    const bomb = await post(
      '/EnrollmentServer/Enrollment.svc',
      '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><e>&b;</e>',
    );
    const text = await bomb.text();
    expect(bomb.status).toBe(400);
    expect(subcode(text)).toBe('s:MessageFormat');
    expect(text).toContain('DOCTYPE');
  });

  it('answers GetPolicies with a 2048-bit RSA key and SHA-256', async () => {
    const url = `${BASE}/EnrollmentServer/Policy.svc`;
    const response = await post('/EnrollmentServer/Policy.svc', getPoliciesRequest(url, credential));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('<minimalKeyLength>2048</minimalKeyLength>');
    expect(text).toContain('<value>2.16.840.1.101.3.4.2.1</value>');
  });

  it('refuses on-premises enrolment with s:Authorization when the core has no directory', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = buildCsr({ ...keys, subject: [{ name: 'commonName', value: 'pc' }] });
    const url = `${BASE}/EnrollmentServer/Enrollment.svc`;
    const response = await post(
      '/EnrollmentServer/Enrollment.svc',
      requestSecurityTokenRequest(url, credential, csr, { DeviceID: 'ABCDEF0123', EnrollmentType: 'Full' }),
    );
    expect(response.status).toBe(403);
    expect(subcode(await response.text())).toBe('s:Authorization');
    const rows = await planes.database.edge.db.selectFrom('windows_enrollments').select('id').execute();
    expect(rows).toEqual([]);
  });
});
