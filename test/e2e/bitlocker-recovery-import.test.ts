// BitLocker recovery passwords that Windows backed up to Active Directory, imported into the vault through the real
// slapd (AD's msFVE-RecoveryInformation schema), Postgres, Temporal, the core and the edge: a simulated PC enrols
// and reports its DeviceName; the scheduled import matches its computer object to it and escrows the set; a changed
// password becomes a new version; computers it cannot match are reported; the reveal is the audited one; and the
// passwords are searched for in the edge database and every decoded Temporal payload, each with a positive control.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../admin/auth/token-hash.js';
import { createVault } from '../../activities/vault/vault.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import type { BitLockerImportSummary } from '../../activities/windows/bitlocker-recovery-import.activities.js';
import { SimulatedPc } from '../sim/windows/simulated-pc.js';
import {
  PASSWORD,
  startWindowsEnvironment,
  type WindowsEnvironment,
} from '../sim/windows/windows-environment.js';
import { eventually } from '../support/apple-requests.js';
import {
  addComputer,
  addRecoveryInformation,
  computerDn,
  replace,
  type SeedRecoveryInformation,
} from '../support/directory-seed.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { decodedHistoryText, edgeDatabaseText } from '../support/secret-search.js';
import { slapdInstalled } from '../support/slapd.js';

/** A bound, not a speed claim: sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

/** Eight blocks of six digits, each a 16-bit value times 11, as BitLocker makes them. */
const recoveryPassword = () =>
  Array.from({ length: 8 }, () => String(randomInt(65_536) * 11).padStart(6, '0')).join('-');

const recovery = (volumeGuid = randomUUID()): SeedRecoveryInformation => ({
  recoveryGuid: randomUUID(),
  volumeGuid,
  password: recoveryPassword(),
});

describe.skipIf(!slapdInstalled())(
  'BitLocker recovery passwords imported from AD',
  { timeout: 300_000 },
  () => {
    const token = generateToken();
    let env: WindowsEnvironment;
    let admin: ReturnType<typeof planesAdminApp>;
    let pc: SimulatedPc;
    let deviceId: string;
    const system = recovery();
    const data = recovery();
    let rotated: string;
    const elsewhere = recovery();

    async function api(method: string, path: string, body?: unknown) {
      const res = await admin.request(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    const vault = () =>
      createVault({
        db: env.planes.database.core.db,
        kms: keyRingKms(KeyRing.parse(env.planes.coreConfig.core.secretKeys)),
      });

    const runImport = () =>
      env.planes.temporal.workflow.execute('bitLockerRecoveryImportWorkflow', {
        taskQueue: env.planes.coreConfig.core.taskQueue,
        workflowId: `bitlocker-import-test-${randomUUID()}`,
      }) as Promise<BitLockerImportSummary>;

    beforeAll(async () => {
      env = await startWindowsEnvironment({
        users: ['ada'],
        slapd: { adLikeSchema: true },
        directory: { bitlockerImport: true },
      });
      admin = planesAdminApp(env.planes, token);
      pc = new SimulatedPc({ edgeCa: env.tlsCa.certPem });
      const enrolled = await pc.enroll(env.served.baseUrl, { username: 'ada', password: PASSWORD });
      if (!enrolled.ok) throw new Error(`enrolment failed: ${enrolled.fault}`);
      // Sessions until the PC has answered Keep's inventory: its DeviceName is what the import matches.
      const device = await eventually(async () => {
        await pc.session();
        const row = await env.planes.database.core.db
          .selectFrom('devices')
          .selectAll()
          .where('udid', '=', pc.deviceId)
          .executeTakeFirst();
        return row?.name ? row : undefined;
      }, WAIT_MS);
      expect(device.name).toBe('ADA-LAPTOP');
      deviceId = device.id;
      // Two PCs by one name (a reimaged machine enrolled twice): the import cannot tell whose disk it is.
      for (const id of [randomUUID(), randomUUID()])
        await env.planes.database.core.db
          .insertInto('devices')
          .values({ id, platform: 'windows', name: 'TWIN-PC', enrollment_status: 'enrolled' })
          .execute();
    }, 180_000);

    afterAll(async () => {
      pc?.close();
      await env?.close();
    });

    it('escrows the passwords of the computer object named like the PC, on the schedule, and reports the ones it cannot match', async () => {
      // AD names computers in capitals; the PC reported the same name: the match ignores case.
      await addComputer(env.slapd, 'ada-laptop');
      await addRecoveryInformation(env.slapd, 'ada-laptop', system);
      await addRecoveryInformation(env.slapd, 'ada-laptop', data);
      await addComputer(env.slapd, 'GHOST-PC');
      await addRecoveryInformation(env.slapd, 'GHOST-PC', elsewhere);
      await addComputer(env.slapd, 'TWIN-PC');
      await addRecoveryInformation(env.slapd, 'TWIN-PC', recovery());
      await addComputer(env.slapd, 'TYPO-PC');
      await addRecoveryInformation(env.slapd, 'TYPO-PC', { ...recovery(), password: '123456-654321' });

      // The core worker created the schedule at start because the import is on; one run is triggered now.
      await env.planes.temporal.schedule
        .getHandle(workflowIds.bitLockerRecoveryImport(env.planes.coreConfig.core.taskQueue))
        .trigger();
      const stored = await eventually(
        async () => vault().readCurrent(deviceId, 'bitlocker-recovery'),
        WAIT_MS,
      );
      const bySet = (a: { recoveryGuid: string }, b: { recoveryGuid: string }) =>
        a.recoveryGuid.localeCompare(b.recoveryGuid);
      expect((JSON.parse(stored.toString()) as SeedRecoveryInformation[]).sort(bySet)).toEqual(
        [system, data].sort(bySet),
      );

      const unmatched = await eventually(async () => {
        const rows = await env.planes.database.core.db
          .selectFrom('bitlocker_unmatched')
          .select(['computer_dn', 'computer_name', 'reason', 'passwords'])
          .orderBy('computer_name')
          .execute();
        return rows.length === 3 ? rows : undefined;
      }, WAIT_MS);
      expect(unmatched).toEqual([
        {
          computer_dn: computerDn(env.slapd, 'GHOST-PC'),
          computer_name: 'GHOST-PC',
          reason: 'no-device',
          passwords: 1,
        },
        {
          computer_dn: computerDn(env.slapd, 'TWIN-PC'),
          computer_name: 'TWIN-PC',
          reason: 'ambiguous',
          passwords: 1,
        },
        {
          computer_dn: computerDn(env.slapd, 'TYPO-PC'),
          computer_name: 'TYPO-PC',
          reason: 'unreadable: msFVE-RecoveryPassword is not a 48-digit recovery password',
          passwords: 0,
        },
      ]);
    });

    it('adds no version for an unchanged set, and one for a password changed in AD', async () => {
      expect(await runImport()).toEqual({ computers: 4, escrowed: 0, unchanged: 1, unmatched: 3 });
      rotated = recoveryPassword();
      const dataDn = (
        await env.planes.database.core.db
          .selectFrom('audit_log')
          .select('details')
          .where('target_id', '=', deviceId)
          .where('action', '=', 'bitlocker-key.escrowed')
          .executeTakeFirstOrThrow()
      ).details as { computer: string };
      expect(dataDn.computer).toBe(computerDn(env.slapd, 'ada-laptop'));
      const { searchEntries } = await (async () => {
        const client = await env.slapd.adminClient();
        try {
          return await client.search(dataDn.computer, {
            scope: 'one',
            filter: '(objectClass=msFVE-RecoveryInformation)',
            attributes: ['msFVE-RecoveryPassword'],
          });
        } finally {
          await client.unbind();
        }
      })();
      const entry = searchEntries.find((e) => e['msFVE-RecoveryPassword'] === data.password)!;
      await replace(env.slapd, entry.dn, { 'msFVE-RecoveryPassword': [rotated] });

      expect(await runImport()).toEqual({ computers: 4, escrowed: 1, unchanged: 0, unmatched: 3 });
      const versions = await env.planes.database.core.db
        .selectFrom('vault_secrets')
        .select(['version', 'state'])
        .where('device_id', '=', deviceId)
        .where('kind', '=', 'bitlocker-recovery')
        .orderBy('version')
        .execute();
      expect(versions).toEqual([
        { version: 1, state: 'superseded' },
        { version: 2, state: 'current' },
      ]);
    });

    it('reveals the current set once, through the audited reveal, to the admin who asked', async () => {
      const listed = await api('GET', `/v1/devices/${deviceId}/secrets`);
      expect(
        (listed.body.items as { kind: string; version: number }[]).map((i) => [i.kind, i.version]),
      ).toEqual([['bitlocker-recovery', 2]]);
      const asked = await api('POST', `/v1/devices/${deviceId}/secrets/bitlocker-recovery/reveal-requests`, {
        reason: 'user at the BitLocker recovery screen',
      });
      expect(asked.status).toBe(201);
      const shown = await api('POST', `/v1/secret-reveal-requests/${asked.body.id as string}/reveal`);
      expect(shown.status).toBe(200);
      const passwords = (JSON.parse(shown.body.secret as string) as SeedRecoveryInformation[]).map(
        (p) => p.password,
      );
      expect(passwords.sort()).toEqual([system.password, rotated].sort());
      expect((await api('POST', `/v1/secret-reveal-requests/${asked.body.id as string}/reveal`)).status).toBe(
        409,
      );

      const trail = await api('GET', `/v1/devices/${deviceId}/secrets/bitlocker-recovery/audit`);
      const actions = (trail.body.items as { action: string }[]).map((i) => i.action);
      expect(actions).toEqual(
        expect.arrayContaining(['bitlocker-key.escrowed', 'secret.reveal-requested', 'secret.revealed']),
      );
      expect(actions.filter((a) => a === 'bitlocker-key.escrowed')).toHaveLength(2);
    });

    it('never lets a password reach the edge database or a Temporal payload', async () => {
      const all = [system.password, data.password, rotated, elsewhere.password];
      const edge = await edgeDatabaseText(env.planes);
      // Positive control: the PC's enrolment is there, so the search reads the rows.
      expect(edge.text).toContain(pc.deviceId);
      for (const password of all) expect(edge.text).not.toContain(password);
      const history = await decodedHistoryText(env.planes);
      // Positive control: the import's own results are there, decoded.
      expect(history).toContain('"unchanged"');
      for (const password of all) expect(history).not.toContain(password);
    });
  },
);
