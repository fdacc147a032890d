// Who may speak for an enrolled UDID, through the real edge, SCEP, Temporal and the core CA: no identity of another
// enrollment takes a device over; a renewal comes only from the bound certificate, once, and replaces it.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlistValue } from '../../../core/apple/plist-codec.js';
import { ScepClientError } from '../../sim/scep/scep-client.js';
import { eventually, signedRequest, type Identity } from '../../support/apple-requests.js';
import { keepIdentities, type KeepIdentity } from '../../support/keep-identity.js';
import { useTestPlanes } from '../../support/test-context.js';

const TOPIC = 'com.apple.mgmt.External.binding';

describe('binding an identity certificate to a device', () => {
  const planes = useTestPlanes();
  let identities: ReturnType<typeof keepIdentities>;
  const send = (path: string, message: Record<string, PlistValue>, identity: Identity) =>
    planes.edgeApp.request(signedRequest(path, message, identity));
  const authenticate = (udid: string, identity: Identity) =>
    send('/mdm/checkin', { MessageType: 'Authenticate', UDID: udid, Topic: TOPIC }, identity);
  const tokenUpdate = (udid: string, identity: Identity) =>
    send(
      '/mdm/checkin',
      {
        MessageType: 'TokenUpdate',
        UDID: udid,
        Topic: TOPIC,
        Token: Buffer.alloc(32, 3),
        PushMagic: 'magic',
        AwaitingConfiguration: false,
      },
      identity,
    );
  const idle = (udid: string, identity: Identity) =>
    send('/mdm/connect', { Status: 'Idle', UDID: udid }, identity);
  const binding = (udid: string) =>
    planes.database.edge.db
      .selectFrom('apple_enrollments')
      .select(['id', 'device_id', 'cert_fingerprint', 'status'])
      .where('udid', '=', udid)
      .executeTakeFirst();

  /** A device enrolled with an identity of its own enrollment. */
  async function enrolled(udid: string): Promise<KeepIdentity> {
    const identity = await identities.enroll();
    expect((await authenticate(udid, identity)).status).toBe(200);
    expect((await tokenUpdate(udid, identity)).status).toBe(200);
    return identity;
  }

  /** The attack: `attacker` claims `udid`; nothing of the victim's binding may change, and nothing works. */
  async function expectTakeoverRefused(udid: string, attacker: Identity) {
    const before = await binding(udid);
    expect((await authenticate(udid, attacker)).status).toBe(403);
    expect(await binding(udid)).toEqual(before);
    const bootstrap = await send(
      '/mdm/checkin',
      { MessageType: 'GetBootstrapToken', UDID: udid, AwaitingConfiguration: false },
      attacker,
    );
    expect(bootstrap.status).toBe(403);
    expect((await idle(udid, attacker)).status).toBe(403);
    expect((await tokenUpdate(udid, attacker)).status).toBe(403);
    expect(await binding(udid)).toEqual(before);
  }

  beforeAll(async () => {
    identities = keepIdentities(planes);
  }, 120_000);

  it('refuses an identity from a second challenge claiming an enrolled UDID', async () => {
    const udid = `VICTIM-${randomUUID()}`;
    const victim = await enrolled(udid);
    await expectTakeoverRefused(udid, await identities.enroll());
    expect((await idle(udid, victim)).status).toBe(200);
  });

  it('refuses an identity renewed from another enrolled device claiming an enrolled UDID', async () => {
    const udid = `VICTIM-${randomUUID()}`;
    const victim = await enrolled(udid);
    const attacker = await enrolled(`ATTACKER-${randomUUID()}`);
    await expectTakeoverRefused(udid, await identities.renew(attacker));
    expect((await idle(udid, victim)).status).toBe(200);
  });

  it('refuses a certificate whose enrollment another UDID holds', async () => {
    const identity = await enrolled(`FIRST-${randomUUID()}`);
    const other = `OTHER-${randomUUID()}`;
    expect((await authenticate(other, identity)).status).toBe(403);
    expect(await binding(other)).toBeUndefined();
  });

  it('re-enrols a checked-out device with a fresh enrollment, keeping its device id', async () => {
    const udid = `RETURNING-${randomUUID()}`;
    const first = await enrolled(udid);
    const before = await binding(udid);
    expect(
      (await send('/mdm/checkin', { MessageType: 'CheckOut', UDID: udid, Topic: TOPIC }, first)).status,
    ).toBe(200);
    const second = await identities.enroll();
    expect((await authenticate(udid, second)).status).toBe(200);
    expect((await tokenUpdate(udid, second)).status).toBe(200);
    expect(await binding(udid)).toMatchObject({
      id: second.enrollmentId,
      device_id: before!.device_id,
      cert_fingerprint: second.fingerprint,
      status: 'enrolled',
    });
    expect((await idle(udid, second)).status).toBe(200);
    expect((await idle(udid, first)).status).toBe(403);
  });

  it('re-enrols a checked-out device whose old enrollment left a declaration set, a declared profile and a user channel', async () => {
    const udid = `RETURNING-DDM-${randomUUID()}`;
    const first = await enrolled(udid);
    const db = planes.database.edge.db;
    await db
      .insertInto('apple_declaration_sets')
      .values({
        enrollment_id: first.enrollmentId,
        declarations: JSON.stringify([]),
        declarations_token: 't',
        changed_at: new Date(),
      })
      .execute();
    await db
      .insertInto('apple_declaration_profiles')
      .values({
        enrollment_id: first.enrollmentId,
        identifier: 'p',
        body: Buffer.from('x'),
        body_key_id: 'k',
      })
      .execute();
    await db
      .insertInto('apple_user_channels')
      .values({
        enrollment_id: first.enrollmentId,
        user_id: 'u',
        short_name: null,
        push_token: Buffer.alloc(32),
        push_magic: 'm',
      })
      .execute();
    expect(
      (await send('/mdm/checkin', { MessageType: 'CheckOut', UDID: udid, Topic: TOPIC }, first)).status,
    ).toBe(200);
    const second = await identities.enroll();
    expect((await authenticate(udid, second)).status).toBe(200);
    expect(await binding(udid)).toMatchObject({ id: second.enrollmentId, status: 'authenticated' });
    for (const table of [
      'apple_declaration_sets',
      'apple_declaration_profiles',
      'apple_user_channels',
    ] as const)
      expect(
        await db
          .selectFrom(table)
          .select('enrollment_id')
          .where('enrollment_id', '=', first.enrollmentId)
          .execute(),
      ).toEqual([]);
  });

  it('refuses a RenewalReq from a certificate that is not bound to its enrollment', async () => {
    const unbound = await identities.enroll();
    await expect(identities.renew(unbound)).rejects.toThrow(ScepClientError);
  });

  it('renews once: the device checks in with the new certificate, after which the old one is revoked and refused', async () => {
    const udid = `RENEWING-${randomUUID()}`;
    const current = await enrolled(udid);
    const renewed = await identities.renew(current);
    expect(renewed.fingerprint).not.toBe(current.fingerprint);
    // A second RenewalReq from the same certificate (another transaction, another key) is refused.
    await expect(identities.renew(current)).rejects.toThrow(ScepClientError);

    expect((await idle(udid, renewed)).status).toBe(200);
    expect(await binding(udid)).toMatchObject({
      id: current.enrollmentId,
      cert_fingerprint: renewed.fingerprint,
    });
    await eventually(async () => (planes.trust.isRevoked(current.fingerprint) ? true : undefined));
    expect((await idle(udid, current)).status).toBe(403);
    expect((await authenticate(udid, current)).status).toBe(403);
    const revoked = await planes.database.core.db
      .selectFrom('certificates')
      .select(['revoked_at', 'revocation_reason'])
      .where('sha256_fingerprint', '=', current.fingerprint)
      .executeTakeFirstOrThrow();
    expect(revoked.revocation_reason).toBe('superseded');
    expect((await idle(udid, renewed)).status).toBe(200);
    // The renewed identity renews in its turn.
    const third = await identities.renew(renewed);
    expect((await idle(udid, third)).status).toBe(200);
  });
});
