// Attested identities through the real edge, Temporal and core. "Require attestation" per team: a device of such a
// team gets an enrollment profile with an attested ACME identity only, and a SCEP enrolment for it — with a stolen
// challenge — is refused; other devices get ACME when they can attest and fall back to SCEP when they cannot. An
// attested identity renews through ACME, bound to the same enrollment as the renewal of the one it replaces.
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCaLoader, crlUrlFor } from '../../../activities/pki/ca-loader.js';
import { createIdentityRenewalActivities } from '../../../activities/pki/identity-renewal.activities.js';
import { createPkiActivities } from '../../../activities/pki/pki.activities.js';
import { generateToken } from '../../../admin/auth/token-hash.js';
import { buildPlist, isPlistDict, parsePlistDict } from '../../../core/apple/plist-codec.js';
import { verifySignedData } from '../../../core/cms/index.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { pemBlocks } from '../../../core/pki/pem.js';
import { AttestingDevice } from '../../sim/acme/attesting-device.js';
import { createTestAttestationCa } from '../../sim/acme/test-attestation-ca.js';
import { ScepClient, ScepClientError } from '../../sim/scep/scep-client.js';
import { planesAdminApp } from '../../support/planes-admin.js';
import { useTestPlanes } from '../../support/test-context.js';

const WAIT_MS = 30_000;
const DIRECTORY = 'https://127.0.0.1:8443/acme/directory';
const attestationCa = createTestAttestationCa();
const rootFile = join(mkdtempSync(join(tmpdir(), 'keep-acme-')), 'attestation-root.pem');
writeFileSync(rootFile, attestationCa.rootPem);

describe('attested identities: required per team, SCEP fallback, renewal', () => {
  const planes = useTestPlanes({
    edgeEnv: { KEEP_EDGE_ACME_ATTESTATION_ROOT_FILE: rootFile },
    coreEnv: {
      KEEP_CORE_ACME_ATTESTATION_ROOT_FILE: rootFile,
      KEEP_CORE_APPLE_ACME_IDENTITY: 'true',
      KEEP_DEP_TEAM_RULES: 'vault-staff=Vault',
    },
  });
  const fetch = (url: string, init?: RequestInit) => Promise.resolve(planes.edgeApp.request(url, init));
  const adminToken = generateToken();
  let serverId: string;
  let vaultTeam: string;

  const api = (method: string, path: string, body?: unknown) =>
    planesAdminApp(planes, adminToken).request(path, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    const db = planes.database.core.db;
    await db
      .insertInto('push_certificates')
      .values({
        id: randomUUID(),
        topic: 'com.apple.mgmt.External.test',
        serial_number: '01',
        common_name: null,
        not_before: new Date(),
        not_after: new Date(Date.now() + 86_400_000),
        cert_pem: 'unused',
        sealed_key: 'unused',
        uploaded_by: 'test',
      })
      .execute();
    serverId = randomUUID();
    await db
      .insertInto('dep_servers')
      .values({ id: serverId, certificate_pem: 'unused', sealed_key: 'unused' })
      .execute();
    // Alice is in the directory group that puts her devices in the Vault team.
    const user = await db
      .insertInto('directory_users')
      .values({ source: 'ldap', external_id: 'alice', username: 'alice', email: 'alice@keep.test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const group = await db
      .insertInto('directory_groups')
      .values({ source: 'ldap', external_id: 'vault-staff', name: 'vault-staff' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('directory_memberships')
      .values({ user_id: user.id, group_id: group.id, direct: true })
      .execute();
    const created = await api('POST', '/v1/teams', { name: 'Vault' });
    vaultTeam = ((await created.json()) as { id: string }).id;
    const required = await api('PUT', `/v1/teams/${vaultTeam}/attestation`, { required: true });
    expect(required.status).toBe(200);
  }, 120_000);

  /** A device Apple Business Manager assigned to Keep, pre-staged for `owner`. */
  async function staged(owner?: string): Promise<string> {
    const serial = `C02${randomUUID().slice(0, 9).replace('-', '').toUpperCase()}`;
    await planes.database.core.db
      .insertInto('dep_devices')
      .values({ serial_number: serial, server_id: serverId, owner: owner ?? null })
      .execute();
    return serial;
  }

  /** The identity payload types of the profile a device in Setup Assistant gets for its MachineInfo. */
  async function profileIdentity(serial: string, product: string, osVersion?: string) {
    const res = await planes.edgeApp.request('/mdm/dep/enroll', {
      method: 'POST',
      headers: { 'content-type': 'application/pkcs7-signature' },
      body: buildPlist({
        SERIAL: serial,
        UDID: randomUUID().toUpperCase(),
        PRODUCT: product,
        VERSION: '23A344',
        ...(osVersion ? { OS_VERSION: osVersion } : {}),
      }),
    });
    expect(res.status).toBe(200);
    return identityOf(new Uint8Array(await res.arrayBuffer()));
  }

  /** The identity payload types of a signed profile, and its ACME payload's ClientIdentifier. */
  function identityOf(signed: Uint8Array) {
    const profile = parsePlistDict(verifySignedData(signed).content);
    const payloads = Array.isArray(profile.PayloadContent) ? profile.PayloadContent.filter(isPlistDict) : [];
    const types = payloads
      .map((p) => p.PayloadType as string)
      .filter((t) => t.startsWith('com.apple.security.'));
    const acme = payloads.find((p) => p.PayloadType === 'com.apple.security.acme');
    return { types, clientIdentifier: acme?.ClientIdentifier };
  }

  it('gives a device of such a team an ACME identity only, even one that says it cannot attest', async () => {
    const serial = await staged('alice');
    const { types, clientIdentifier } = await profileIdentity(serial, 'MacBookPro16,1', '13.6');
    expect(types).toEqual(['com.apple.security.root', 'com.apple.security.acme']);
    expect(clientIdentifier).toBe(serial);
  });

  it('gives other devices ACME when they can attest and falls back to SCEP when they cannot', async () => {
    const appleSilicon = await profileIdentity(await staged(), 'Mac14,2', '14.2');
    expect(appleSilicon.types).toContain('com.apple.security.acme');
    for (const [product, osVersion] of [
      ['MacBookPro16,1', '14.2'],
      ['Mac14,2', undefined],
      ['iPhone9,1', '15.8'],
    ] as const) {
      const { types } = await profileIdentity(await staged(), product, osVersion);
      expect(types).toEqual(['com.apple.security.root', 'com.apple.security.scep']);
    }
  });

  it('refuses a SCEP enrolment for a device of such a team, even with a challenge bound to its enrollment', async () => {
    const db = planes.database.core.db;
    const enrollmentId = randomUUID();
    const deviceId = randomUUID();
    const device = new AttestingDevice(fetch, DIRECTORY, attestationCa);
    await db
      .insertInto('devices')
      .values({
        id: deviceId,
        platform: 'apple',
        enrollment_id: enrollmentId,
        udid: device.udid,
        serial_number: device.serialNumber,
        enrollment_status: 'enrolled',
      })
      .execute();
    await db.insertInto('device_teams').values({ device_id: deviceId, team_id: vaultTeam }).execute();
    // A challenge for this enrollment, as one issued before the team's rule or stolen from a profile.
    const pki = createPkiActivities({
      db,
      keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
      pki: planes.coreConfig.core,
    });
    const { challenge } = await pki.createScepChallenge({
      purpose: 'device-identity',
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const scep = new ScepClient({
      url: `http://edge/scep/${enrollmentId}`,
      fetch: fetch as typeof globalThis.fetch,
      pollIntervalMs: 50,
      maxPolls: 100,
    });
    const refused = await scep
      .enroll({ subject: [{ name: 'commonName', value: 'stolen' }], challengePassword: challenge })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ScepClientError);
    expect((refused as ScepClientError).failInfo).toBe('badRequest');
    const issued = () =>
      db.selectFrom('certificates').select('profile').where('enrollment_id', '=', enrollmentId).execute();
    expect(await issued()).toEqual([]);

    // The device itself proves who it is through ACME and gets its identity.
    const { order } = await device.enroll(WAIT_MS);
    expect(order.body.status).toBe('valid');
    expect(await issued()).toEqual([{ profile: 'device-identity' }]);
  });

  it('renews an attested identity through ACME: a new attested key, bound as the renewal of the current one', async () => {
    const db = planes.database.core.db;
    const enrollmentId = randomUUID();
    const deviceId = randomUUID();
    const device = new AttestingDevice(fetch, DIRECTORY, attestationCa);
    await db
      .insertInto('devices')
      .values({
        id: deviceId,
        platform: 'apple',
        enrollment_id: enrollmentId,
        udid: device.udid,
        serial_number: device.serialNumber,
        enrollment_status: 'enrolled',
      })
      .execute();
    const first = pemBlocks((await device.enroll(WAIT_MS)).chainPem, 'CERTIFICATE')[0]!;
    const firstFingerprint = new X509Certificate(first).fingerprint256.replace(/:/g, '').toLowerCase();

    // The identity-renewal workflow's InstallProfile: the enrollment profile again, with the ACME payload.
    const keyRing = KeyRing.parse(planes.coreConfig.core.secretKeys);
    const settings = planes.coreConfig.core;
    const renewal = createIdentityRenewalActivities({
      db,
      pki: settings,
      pkiActivities: createPkiActivities({ db, keyRing, pki: settings }),
      ca: createCaLoader(db, keyRing, { ...settings, crlUrl: crlUrlFor(settings.edgePublicUrl) }),
      attestationRequired: () => Promise.resolve(false),
      renewal: { windowDays: 30, maxPerRun: 10, retryHours: 1 },
    });
    const command = parsePlistDict(
      Buffer.from((await renewal.buildIdentityRenewalCommand({ enrollmentId })).payload),
    );
    const payload = (command.Command as { Payload: Uint8Array }).Payload;
    expect(identityOf(payload)).toEqual({
      types: ['com.apple.security.root', 'com.apple.security.acme'],
      clientIdentifier: device.serialNumber,
    });

    // The device installs it: a new key in its Secure Enclave, attested and certified for the same enrollment.
    device.newIdentityKey();
    const second = pemBlocks((await device.enroll(WAIT_MS)).chainPem, 'CERTIFICATE')[0]!;
    const renewed = new X509Certificate(second);
    expect(renewed.publicKey.equals(device.identityKey.publicKey)).toBe(true);
    expect(renewed.subjectAltName).toContain(`urn:keep:enrollment:${enrollmentId}`);
    const fingerprint = renewed.fingerprint256.replace(/:/g, '').toLowerCase();
    const recorded = await db
      .selectFrom('certificates')
      .select(['renewal_of', 'attestation'])
      .where('sha256_fingerprint', '=', fingerprint)
      .executeTakeFirstOrThrow();
    expect(recorded.renewal_of).toBe(firstFingerprint);
    expect(recorded.attestation).toMatchObject({ serialNumber: device.serialNumber, udid: device.udid });
    // The edge adopts it on first use by the bound identity and revokes that one then, as a SCEP renewal.
    const issued = await planes.database.edge.db
      .selectFrom('issued_identities')
      .select(['enrollment_id', 'renewal_of'])
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirstOrThrow();
    expect(issued).toEqual({ enrollment_id: enrollmentId, renewal_of: firstFingerprint });

    // The admin sees that the device's identity is attested, and what Apple vouched for.
    const shown = await api('GET', `/v1/devices/${deviceId}`);
    expect(shown.status).toBe(200);
    expect(((await shown.json()) as { identity: unknown }).identity).toEqual({
      fingerprint,
      notAfter: new Date(renewed.validTo).toISOString(),
      attested: true,
      attestation: {
        serialNumber: device.serialNumber,
        udid: device.udid,
        osVersion: '15.1',
        attestedAt: expect.any(String) as string,
      },
    });
  });
});
