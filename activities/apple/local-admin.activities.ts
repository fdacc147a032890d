// The managed local admin on zero-touch Macs (a LAPS for Macs): while Setup Assistant awaits configuration, Keep
// vaults a random password as a pending version *before* the command leaves, then sends AccountConfiguration
// with its salted PBKDF2 hash (the password itself never travels) and a DeviceInformation that reports the new
// account's GUID (SetAutoAdminPassword names the account by it). Both are sealed to the edge and go through the
// device workflow's queue as Keep's own baseline, so DeviceConfigured waits for them. Once the Mac has answered,
// the pending version becomes current, or is marked failed with the Mac's answer.
import type { Kysely } from 'kysely';
import { buildCommand } from '../../core/apple/commands/index.js';
import { localAdminPasswordHash } from '../../core/apple/local-admin-password-hash.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { generateDevicePassword } from '../../core/vault/device-password.js';
import type { Kms } from '../../core/vault/kms.js';
import { queueKeepCommand, stableCommandUuid } from '../device/queue-keep-command.js';
import { createVault } from '../vault/vault.js';
import { INVENTORY_QUERIES } from './apple-platform.js';
import { appendAudit } from '../../core/audit/append-audit.js';

export interface LocalAdminSettings {
  localAdmin: boolean;
  localAdminShortName: string;
}

/** The pending version the account's first password is vaulted as, one per zero-touch enrollment. */
const setupRotationId = (enrollmentId: string) => `setup-${enrollmentId}`;
const accountCommandUuid = (enrollmentId: string) =>
  stableCommandUuid(`account-configuration:${enrollmentId}`);

export function createLocalAdminActivities(deps: {
  db: Kysely<CoreDatabase>;
  kms: Kms;
  settings: LocalAdminSettings;
}) {
  const { db, settings } = deps;
  const vault = createVault(deps);

  const audit = (deviceId: string, action: string, details: Record<string, unknown>) =>
    appendAudit(db, 'keep', { action, targetKind: 'device', targetId: deviceId, details });

  return {
    /**
     * With `vault.localAdmin`, a Mac ABM assigned gets the managed admin; false when there is nothing to send
     * (the setting is off, or the device is not a Mac). A retried activity resends the same password.
     */
    async sendLocalAdminAccount({
      enrollmentId,
      depDeviceId,
      deviceId,
      edgeRecipient,
    }: {
      enrollmentId: string;
      depDeviceId: string;
      deviceId: string;
      edgeRecipient: BoxRecipient;
    }): Promise<{ sent: boolean }> {
      if (!settings.localAdmin) return { sent: false };
      const dep = await db
        .selectFrom('dep_devices')
        .select('os')
        .where('id', '=', depDeviceId)
        .executeTakeFirst();
      // Apple's Device Assignment API calls macOS `OSX`; AccountConfiguration exists on macOS only.
      if (dep?.os !== 'OSX') return { sent: false };
      const rotationId = setupRotationId(enrollmentId);
      const { secret } = await vault.storePending(
        deviceId,
        'local-admin',
        rotationId,
        Buffer.from(generateDevicePassword(), 'utf8'),
      );
      const commandUuid = accountCommandUuid(enrollmentId);
      await queueKeepCommand(db, {
        deviceId,
        plist: buildCommand(
          {
            requestType: 'AccountConfiguration',
            // The user still makes their own account; the managed admin is hidden beside it.
            skipPrimarySetupAccountCreation: false,
            autoSetupAdminAccounts: [
              {
                shortName: settings.localAdminShortName,
                fullName: 'Keep managed admin',
                passwordHash: localAdminPasswordHash(secret.toString('utf8')),
                hidden: true,
              },
            ],
          },
          commandUuid,
        ),
        commandUuid,
        requestType: 'AccountConfiguration',
        requestedBy: 'keep',
        edgeRecipient,
      });
      const lookupUuid = stableCommandUuid(`account-lookup:${enrollmentId}`);
      await queueKeepCommand(db, {
        deviceId,
        plist: buildCommand({ requestType: 'DeviceInformation', queries: INVENTORY_QUERIES }, lookupUuid),
        commandUuid: lookupUuid,
        requestType: 'DeviceInformation',
        requestedBy: 'keep',
        edgeRecipient,
      });
      await audit(deviceId, 'secret.local-admin-sent', { kind: 'local-admin', rotationId, commandUuid });
      return { sent: true };
    },

    /**
     * After the Mac has answered (DeviceConfigured comes after AccountConfiguration in its queue): Acknowledged
     * makes the vaulted password current; a refusal marks it failed, so the vault never offers a password the Mac
     * does not have. Still unanswered: left pending.
     */
    async settleLocalAdminAccount({
      enrollmentId,
      deviceId,
    }: {
      enrollmentId: string;
      deviceId: string;
    }): Promise<{ status: string }> {
      const rotationId = setupRotationId(enrollmentId);
      const row = await db
        .selectFrom('device_commands')
        .select('status')
        .where('command_uuid', '=', accountCommandUuid(enrollmentId))
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      const status = row?.status ?? 'queued';
      if (status === 'queued' || status === 'not-now') return { status };
      if (status === 'acknowledged') {
        await audit(deviceId, 'secret.local-admin-created', { kind: 'local-admin', rotationId });
        await vault.confirmRotation(deviceId, 'local-admin', rotationId);
      } else {
        const error = `the device answered AccountConfiguration with ${status}`;
        await audit(deviceId, 'secret.rotation-failed', { kind: 'local-admin', rotationId, error });
        await vault.failRotation(deviceId, 'local-admin', rotationId, error);
      }
      return { status };
    },
  };
}

export type LocalAdminActivities = ReturnType<typeof createLocalAdminActivities>;
