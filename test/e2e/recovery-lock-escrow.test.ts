// Recovery Lock on a simulated Apple silicon Mac, through the real edge (HTTPS on loopback), Postgres, Temporal and
// the core: the rotation sweep sets a random password (vaulted pending before the command leaves, current once the
// Mac acknowledges it and verifies it with VerifyRecoveryLock), an admin reveals it once, and it is rotated after
// the view; a rotation the Mac refuses keeps the previous password current and flagged until a retry works. The
// passwords are then searched for in the edge database and every decoded Temporal payload, with positive controls.
import { describe, expect, it } from 'vitest';
import { createVault } from '../../activities/vault/vault.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { decodedHistoryText, edgeDatabaseText } from '../support/secret-search.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

describe('Recovery Lock on a simulated Mac', { timeout: 300_000 }, () => {
  const { planes, api, enroll } = useAppleE2e({
    waitMs: WAIT_MS,
    coreEnv: { KEEP_VAULT_RECOVERY_LOCK: 'true', KEEP_VAULT_ROTATION_RETRY_SECONDS: '1' },
  });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  const passwords: string[] = [];
  let deviceId: string;
  const vault = () =>
    createVault({
      db: planes.database.core.db,
      kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)),
    });
  const versions = () =>
    planes.database.core.db
      .selectFrom('vault_secrets')
      .select(['version', 'state'])
      .where('device_id', '=', deviceId)
      .where('kind', '=', 'recovery-lock')
      .orderBy('version')
      .execute();
  const listed = async () => {
    const answer = await api('GET', `/v1/devices/${deviceId}/secrets`);
    return (answer.body.items as Record<string, unknown>[]).find((i) => i.kind === 'recovery-lock');
  };
  /** Reveals the current password through the reveal workflow (audited, shown once). */
  async function reveal(reason: string): Promise<string> {
    const asked = await api('POST', `/v1/devices/${deviceId}/secrets/recovery-lock/reveal-requests`, {
      reason,
    });
    expect(asked.status).toBe(201);
    const shown = await api('POST', `/v1/secret-reveal-requests/${asked.body.id as string}/reveal`);
    expect(shown.status).toBe(200);
    return shown.body.secret as string;
  }
  async function rotatedFrom(previous: string): Promise<string> {
    return eventually(async () => {
      const current = (await vault().readCurrent(deviceId, 'recovery-lock'))?.toString();
      return current && current !== previous ? current : undefined;
    }, WAIT_MS);
  }

  it('sets a random password on the Mac, vaulted and current once the Mac verifies it', async () => {
    deviceId = await enroll(mac);
    await planes.temporal.schedule
      .getHandle(workflowIds.secretRotationSweep(planes.coreConfig.core.taskQueue))
      .trigger();
    const password = await rotatedFrom('');
    expect(password).toMatch(/^([A-Z2-9]{4}-){5}[A-Z2-9]{4}$/);
    expect(mac.state.recoveryLockPassword).toBe(password);
    expect(await versions()).toEqual([{ version: 1, state: 'current' }]);
    expect(await listed()).toMatchObject({ version: 1, valid: true, rotationError: null });
    passwords.push(password);
  });

  it('reveals the password once to the admin who asked, then rotates it on the Mac', async () => {
    expect(await reveal('locked out of recoveryOS')).toBe(passwords[0]);
    const rotated = await rotatedFrom(passwords[0]!);
    expect(mac.state.recoveryLockPassword).toBe(rotated);
    expect(await versions()).toEqual([
      { version: 1, state: 'superseded' },
      { version: 2, state: 'current' },
    ]);
    passwords.push(rotated);
  });

  it('keeps the previous password current and flagged when the Mac refuses the rotation, and retries', async () => {
    mac.state.refusing = new Set(['SetRecoveryLock']);
    expect(await reveal('second look')).toBe(passwords[1]);
    const flagged = await eventually(async () => {
      const row = await listed();
      return row?.rotationError ? row : undefined;
    }, WAIT_MS);
    expect(flagged).toMatchObject({ version: 2, valid: true });
    expect(flagged.rotationError).toBe('the device answered Error');
    expect((await versions()).slice(0, 3)).toEqual([
      { version: 1, state: 'superseded' },
      { version: 2, state: 'current' },
      { version: 3, state: 'failed' },
    ]);
    // The password the vault holds is still the one that opens recoveryOS.
    expect((await vault().readCurrent(deviceId, 'recovery-lock'))?.toString()).toBe(passwords[1]);
    expect(mac.state.recoveryLockPassword).toBe(passwords[1]);
    const audit = await planes.database.core.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', deviceId)
      .execute();
    expect(audit.map((a) => a.action)).toContain('secret.rotation-failed');

    // The Mac accepts again: a retry (after a backoff) rotates it, and the flag goes.
    mac.state.refusing = undefined;
    const retried = await rotatedFrom(passwords[1]!);
    expect(mac.state.recoveryLockPassword).toBe(retried);
    expect(await listed()).toMatchObject({ rotationError: null, rotationFailedAt: null });
    passwords.push(retried);
  });

  it('leaves the passwords nowhere in the edge database', async () => {
    const { text } = await edgeDatabaseText(planes);
    // Positive controls: the device's serial (in the outbox) and the rows of the commands that carried the
    // passwords (their bodies were dropped once answered) are where the search looks.
    expect(text).toContain(mac.state.serialNumber);
    const commands = await planes.database.core.db
      .selectFrom('device_commands')
      .select('command_uuid')
      .where('device_id', '=', deviceId)
      .where('request_type', 'in', ['SetRecoveryLock', 'VerifyRecoveryLock'])
      .execute();
    expect(commands.length).toBeGreaterThanOrEqual(passwords.length * 2);
    for (const { command_uuid } of commands) expect(text).toContain(command_uuid);
    for (const password of passwords)
      for (const form of [
        password,
        Buffer.from(password).toString('hex'),
        Buffer.from(password).toString('base64'),
      ])
        expect(text.includes(form), form).toBe(false);
  });

  it('leaves the passwords nowhere in any decoded Temporal payload', async () => {
    const haystack = await decodedHistoryText(planes);
    // Positive controls: the device's id and the Mac's VerifyRecoveryLock answer crossed Temporal.
    expect(haystack).toContain(deviceId);
    expect(haystack).toContain('PasswordVerified');
    for (const password of passwords) expect(haystack.includes(password), password).toBe(false);
  });
});
