import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindOnAuthenticate } from '../../../edge/apple/enrollment.repository.js';
import { DeviceRefusal } from '../../../edge/errors.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

describe('binding an enrollment at Authenticate', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('refuses the loser of two simultaneous claims on one enrollment from two UDIDs with a 403, not a 500', async () => {
    const enrollmentId = randomUUID();
    const claim = (udid: string) =>
      bindOnAuthenticate(database.edge.db, {
        udid,
        kind: 'device',
        fingerprint: randomBytes(32).toString('hex'),
        topic: 'com.apple.mgmt.test',
        enrollmentId,
        newDeviceId: randomUUID(),
      });
    const outcomes = await Promise.allSettled([claim(`A-${randomUUID()}`), claim(`B-${randomUUID()}`)]);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason as DeviceRefusal;
    expect(reason).toBeInstanceOf(DeviceRefusal);
    expect(reason.status).toBe(403);
    const rows = await database.edge.db
      .selectFrom('apple_enrollments')
      .selectAll()
      .where('id', '=', enrollmentId)
      .execute();
    expect(rows).toHaveLength(1);
  });
});
