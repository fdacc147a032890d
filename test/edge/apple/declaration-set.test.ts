import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationsToken, type Declaration } from '../../../core/apple/declarative/index.js';
import { declarationSetOf, installDeclarations } from '../../../edge/apple/declaration-set.js';
import { bindOnAuthenticate } from '../../../edge/apple/enrollment.repository.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { useTestDatabase } from '../../support/test-context.js';

const passcode = (minLength: number): Declaration => ({
  type: 'com.apple.configuration.passcode.settings',
  identifier: 'keep.policy.baseline.passcode',
  payload: { MinimumLength: minLength },
});

describe("an enrollment's declaration set at the edge", () => {
  const database = useTestDatabase();
  const enrollmentId = randomUUID();
  const ring = KeyRing.parse(KeyRing.generateSpec('ddm'));
  let created: Date;

  beforeAll(async () => {
    const enrollment = await bindOnAuthenticate(database.edge.db, {
      udid: 'DDM-SET-TEST',
      kind: 'device',
      fingerprint: 'd'.repeat(64),
      topic: 'com.apple.mgmt.External.d',
      enrollmentId,
      newDeviceId: randomUUID(),
    });
    created = enrollment.created_at;
  });

  it('serves the empty set until one is installed, and installing the empty set changes nothing', async () => {
    const db = database.edge.db;
    expect(await declarationSetOf(db, { id: enrollmentId, created_at: created })).toEqual({
      declarations: [],
      changedAt: created,
    });
    expect(await installDeclarations(db, ring, { enrollmentId, declarations: [] })).toEqual({
      changed: false,
      declarationsToken: declarationsToken([]),
    });
  });

  it('changes the set, token and timestamp only when the declarations change', async () => {
    const db = database.edge.db;
    const first = await installDeclarations(db, ring, { enrollmentId, declarations: [passcode(8)] });
    expect(first).toEqual({ changed: true, declarationsToken: declarationsToken([passcode(8)]) });
    const served = await declarationSetOf(db, { id: enrollmentId, created_at: created });
    expect(served.declarations).toEqual([passcode(8)]);
    expect(await installDeclarations(db, ring, { enrollmentId, declarations: [passcode(8)] })).toMatchObject({
      changed: false,
    });
    expect((await declarationSetOf(db, { id: enrollmentId, created_at: created })).changedAt).toEqual(
      served.changedAt,
    );
    const second = await installDeclarations(db, ring, { enrollmentId, declarations: [passcode(12)] });
    expect(second.changed).toBe(true);
    expect(second.declarationsToken).not.toBe(first.declarationsToken);
  });

  it("refuses a declaration that fails Apple's schema, naming it, and keeps the set it had", async () => {
    const db = database.edge.db;
    const bad: Declaration = { ...passcode(8), payload: { MinimumLength: 'eight' } };
    await expect(installDeclarations(db, ring, { enrollmentId, declarations: [bad] })).rejects.toThrow(
      /keep\.policy\.baseline\.passcode fails Apple's schema: .*MinimumLength/,
    );
    expect((await declarationSetOf(db, { id: enrollmentId, created_at: created })).declarations).toEqual([
      passcode(12),
    ]);
  });

  it('refuses an enrollment this edge does not hold', async () => {
    await expect(
      installDeclarations(database.edge.db, ring, { enrollmentId: randomUUID(), declarations: [] }),
    ).rejects.toThrow(/no enrollment/);
  });
});
