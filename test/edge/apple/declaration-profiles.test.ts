import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Declaration } from '../../../core/apple/declarative/index.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { declarationProfile } from '../../../edge/apple/declaration-profiles.js';
import { installDeclarations } from '../../../edge/apple/declaration-set.js';
import { bindOnAuthenticate } from '../../../edge/apple/enrollment.repository.js';
import { useTestDatabase } from '../../support/test-context.js';

const IDENTIFIER = 'keep.policy.baseline.profile.wifi';
const legacy = (version: string): Declaration => ({
  type: 'com.apple.configuration.legacy',
  identifier: IDENTIFIER,
  payload: { ProfileURL: `https://mdm.example.com/mdm/profiles/${IDENTIFIER}.mobileconfig?v=${version}` },
});
const profile = (secret: string) => Buffer.from(`<plist>Password ${secret}</plist>`).toString('base64');

describe("the profiles behind an enrollment's legacy declarations at the edge", () => {
  const database = useTestDatabase();
  const ring = KeyRing.parse(KeyRing.generateSpec('ddm-profiles'));
  const enrollments = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    for (const [i, enrollmentId] of enrollments.entries())
      await bindOnAuthenticate(database.edge.db, {
        udid: `DDM-PROFILE-${i}`,
        kind: 'device',
        fingerprint: `${i}`.repeat(64),
        topic: 'com.apple.mgmt.External.d',
        enrollmentId,
        newDeviceId: randomUUID(),
      });
  });

  it('stores them sealed with the set, serves them to their enrollment only, and drops them with the set', async () => {
    const db = database.edge.db;
    const [mine, other] = enrollments as [string, string];
    await installDeclarations(db, ring, {
      enrollmentId: mine,
      declarations: [legacy('1')],
      profiles: [{ identifier: IDENTIFIER, profile: profile('correct-horse') }],
    });
    const row = await db.selectFrom('apple_declaration_profiles').selectAll().executeTakeFirstOrThrow();
    expect(row.body.toString('latin1')).not.toContain('correct-horse');
    expect((await declarationProfile(db, ring, mine, IDENTIFIER))?.toString()).toContain('correct-horse');
    expect(await declarationProfile(db, ring, other, IDENTIFIER)).toBeUndefined();
    // A sealed body copied to another enrollment does not open there.
    await db
      .insertInto('apple_declaration_profiles')
      .values({ ...row, enrollment_id: other })
      .execute();
    await expect(declarationProfile(db, ring, other, IDENTIFIER)).rejects.toThrow();

    await installDeclarations(db, ring, {
      enrollmentId: mine,
      declarations: [legacy('2')],
      profiles: [{ identifier: IDENTIFIER, profile: profile('battery-staple') }],
    });
    expect((await declarationProfile(db, ring, mine, IDENTIFIER))?.toString()).toContain('battery-staple');
    await installDeclarations(db, ring, { enrollmentId: mine, declarations: [] });
    expect(await declarationProfile(db, ring, mine, IDENTIFIER)).toBeUndefined();
  });
});
