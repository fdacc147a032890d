// Imports the BitLocker recovery passwords Windows backed up to Active Directory into the vault. One run reads every
// msFVE-RecoveryInformation object under the base, groups them by their parent computer object, matches each
// computer to one Windows device by name, and stores that device's whole set as its current `bitlocker-recovery`
// secret (a new version only when the set changed). A computer matched to no device, to several, or whose objects
// cannot be read is recorded in `core.bitlocker_unmatched`, never dropped: AD keeps the passwords, so the next run
// tries again. Only counts leave the activity, so no password or computer name reaches Temporal.
import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { DirectorySettings } from '../../core/config/config.schema.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { LdapEntry } from '../../core/directory/directory-dialect.js';
import { configuredFilter } from '../../core/directory/ldap-filter.js';
import { normalizeDn } from '../../core/directory/nested-groups.js';
import type { Kms } from '../../core/vault/kms.js';
import {
  BitLockerRecoveryError,
  computerDnOf,
  readRecoveryInformation,
  RECOVERY_ATTRIBUTES,
  RECOVERY_BINARY_ATTRIBUTES,
  RECOVERY_INFORMATION_CLASS,
  recoverySecret,
  type BitLockerRecoveryPassword,
} from '../../core/windows/bitlocker-recovery.js';
import { DirectoryConfigError } from '../directory/directory-errors.js';
import { openLdapClient } from '../directory/ldap-client.js';
import { searchPages } from '../directory/ldap-search.js';
import { createVault } from '../vault/vault.js';
import { appendAudit } from '../../core/audit/append-audit.js';

export interface BitLockerImportSummary {
  /** Computers with recovery information. */
  computers: number;
  /** Devices whose set was stored as a new version. */
  escrowed: number;
  /** Devices whose set was already current. */
  unchanged: number;
  /** Computers recorded in core.bitlocker_unmatched. */
  unmatched: number;
}

interface Computer {
  dn: string;
  name: string | null;
  passwords: BitLockerRecoveryPassword[];
  unreadable: string | null;
}

function firstText(entry: LdapEntry, attribute: string): string | null {
  const value = entry[attribute];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

export function createBitLockerRecoveryImportActivities(deps: {
  db: Kysely<CoreDatabase>;
  kms: Kms;
  directory?: DirectorySettings | undefined;
}) {
  const { db } = deps;
  const vault = createVault(deps);

  function settings() {
    const directory = deps.directory;
    if (!directory?.url || !directory.baseDn || !directory.bitlockerImport)
      throw ApplicationFailure.nonRetryable(
        'directory.url, directory.baseDn and directory.bitlockerImport are not all set',
        'DirectoryConfigError',
      );
    return { ...directory, url: directory.url, baseDn: directory.baseDn };
  }

  /** Windows devices by lower-cased reported name; a checked-out device no longer owns its disk's secrets. */
  async function devicesByName(): Promise<Map<string, string[]>> {
    const rows = await db
      .selectFrom('devices')
      .select(['id', sql<string>`lower(name)`.as('name')])
      .where('platform', '=', 'windows')
      .where('name', 'is not', null)
      .where('enrollment_status', '!=', 'checked-out')
      .execute();
    const byName = new Map<string, string[]>();
    for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row.id]);
    return byName;
  }

  const audit = (deviceId: string, details: Record<string, unknown>) =>
    appendAudit(db, 'directory', {
      action: 'bitlocker-key.escrowed',
      targetKind: 'device',
      targetId: deviceId,
      details,
    });

  return {
    async importBitLockerRecovery(): Promise<BitLockerImportSummary> {
      const directory = settings();
      const attribute = directory.bitlockerMatch;
      const computers = new Map<string, Computer>();
      let client;
      try {
        client = await openLdapClient(directory);
      } catch (cause) {
        if (cause instanceof DirectoryConfigError)
          throw ApplicationFailure.nonRetryable(cause.message, 'DirectoryConfigError');
        throw cause;
      }
      try {
        for await (const entries of searchPages(client, {
          base: directory.baseDn,
          filter: configuredFilter(`(objectClass=${RECOVERY_INFORMATION_CLASS})`),
          attributes: Object.values(RECOVERY_ATTRIBUTES),
          binaryAttributes: RECOVERY_BINARY_ATTRIBUTES,
          pageSize: directory.pageSize,
        })) {
          for (const entry of entries) {
            const dn = computerDnOf(entry.dn);
            const computer = computers.get(normalizeDn(dn)) ?? {
              dn,
              name: null,
              passwords: [],
              unreadable: null,
            };
            computers.set(normalizeDn(dn), computer);
            try {
              computer.passwords.push(readRecoveryInformation(entry));
            } catch (error) {
              if (!(error instanceof BitLockerRecoveryError)) throw error;
              computer.unreadable = error.message;
            }
          }
        }
        // Each computer's own entry, read by DN: the match attribute lives there, not on its children.
        for (const computer of computers.values()) {
          const { searchEntries } = await client
            .search(computer.dn, { scope: 'base', attributes: [attribute] })
            .catch(() => ({ searchEntries: [] as LdapEntry[] }));
          computer.name = searchEntries[0] ? firstText(searchEntries[0], attribute) : null;
        }
      } finally {
        await client.unbind().catch(() => undefined);
      }

      const byName = await devicesByName();
      const summary: BitLockerImportSummary = {
        computers: computers.size,
        escrowed: 0,
        unchanged: 0,
        unmatched: 0,
      };
      const unmatched: {
        computer_dn: string;
        computer_name: string | null;
        reason: string;
        passwords: number;
      }[] = [];
      for (const computer of computers.values()) {
        const devices = computer.name ? (byName.get(computer.name.toLowerCase()) ?? []) : [];
        // One unreadable object withholds the computer's whole set: a partial set vaulted as current would hide
        // the password the missing object holds.
        const reason = computer.unreadable
          ? `unreadable: ${computer.unreadable}`
          : computer.name === null
            ? 'no-computer'
            : devices.length === 0
              ? 'no-device'
              : devices.length > 1
                ? 'ambiguous'
                : null;
        if (reason) {
          unmatched.push({
            computer_dn: computer.dn,
            computer_name: computer.name,
            reason,
            passwords: computer.passwords.length,
          });
          continue;
        }
        const deviceId = devices[0]!;
        const { version, added } = await vault.store(
          deviceId,
          'bitlocker-recovery',
          recoverySecret(computer.passwords),
        );
        if (added) {
          summary.escrowed++;
          await audit(deviceId, {
            version,
            computer: computer.dn,
            recoveryKeyIds: computer.passwords.map((p) => p.recoveryGuid),
          });
        } else summary.unchanged++;
      }
      summary.unmatched = unmatched.length;
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('bitlocker_unmatched')
          .where('computer_dn', 'not in', unmatched.length ? unmatched.map((u) => u.computer_dn) : [''])
          .execute();
        if (unmatched.length)
          await trx
            .insertInto('bitlocker_unmatched')
            .values(unmatched)
            .onConflict((oc) =>
              oc.column('computer_dn').doUpdateSet((eb) => ({
                computer_name: eb.ref('excluded.computer_name'),
                reason: eb.ref('excluded.reason'),
                passwords: eb.ref('excluded.passwords'),
                last_seen_at: sql`now()`,
              })),
            )
            .execute();
      });
      return summary;
    },
  };
}

export type BitLockerRecoveryImportActivities = ReturnType<typeof createBitLockerRecoveryImportActivities>;
