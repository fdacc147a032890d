// `keep apply` against the real admin API over HTTPS on loopback (trusted through KEEP_ADMIN_CA_FILE), with the
// core's Postgres and Temporal behind it: refused documents, a dry run, an apply, a no-op, a change; with
// --prune, what the folder no longer declares deleted, at once or through a removal rollout; labels by serial.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../../admin/auth/token-hash.js';
import { APPLY_EXIT, runApply } from '../../../cli/apply/apply-command.js';
import { insertDevice, tokenFor } from '../../admin/support.js';
import { eventually } from '../../support/apple-requests.js';
import { planesAdminApp } from '../../support/planes-admin.js';
import { servedOnLoopback, type ServedEdge } from '../../support/served-edge.js';
import { createTestCa, issueLoopbackServerCertificate } from '../../support/test-ca.js';
import { useTestPlanes } from '../../support/test-context.js';

const teams = `kind: Team
name: engineering
`;

function policy(minLength: number, wifi = '') {
  return `kind: Policy
schemaVersion: 1
name: baseline
settings:
  passcode:
    minLength: ${minLength}
  firewall: { enabled: true }
${wifi}`;
}

const assignment = (target: string) => `---
kind: Assignment
policy: baseline
targets:
  - ${target}
`;

describe('keep apply', { timeout: 120_000 }, () => {
  const planes = useTestPlanes();
  const token = generateToken();
  const ca = createTestCa('Keep Test Admin CA');
  const dir = mkdtempSync(join(tmpdir(), 'keep-apply-'));
  const caFile = join(dir, 'ca.pem');
  const folder = join(dir, 'fleet');
  let served: ServedEdge;

  beforeAll(async () => {
    writeFileSync(caFile, ca.certPem);
    const tls = issueLoopbackServerCertificate(ca);
    const admin = planesAdminApp(planes, token);
    const server = await new Promise<ServerType>((resolve) => {
      const s: ServerType = serve(
        {
          fetch: admin.fetch,
          hostname: '127.0.0.1',
          port: 0,
          createServer,
          serverOptions: { cert: tls.certPem, key: tls.keyPem },
        },
        () => resolve(s),
      );
    });
    served = servedOnLoopback(server, true);
  });
  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh folder each time, so a file of an earlier step never lingers. */
  function writeFolder(files: Record<string, string>): void {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  }

  async function keepApply(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    return keepApplyAs(token, ...args);
  }
  async function keepApplyAs(
    bearer: string,
    ...args: string[]
  ): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runApply(['-f', folder, ...args], {
      env: { KEEP_ADMIN_URL: served.baseUrl, KEEP_ADMIN_TOKEN: bearer, KEEP_ADMIN_CA_FILE: caFile },
      out: (text) => (out += `${text}\n`),
      err: (text) => (err += `${text}\n`),
    });
    return { code, out, err };
  }

  const db = () => planes.database.core.db;
  const auditRows = async () =>
    Number(
      (
        await db()
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const policyRow = () =>
    db().selectFrom('policies').selectAll().where('name', '=', 'baseline').executeTakeFirst();
  const assignments = async () => {
    const p = await policyRow();
    return p ? db().selectFrom('policy_assignments').selectAll().where('policy_id', '=', p.id).execute() : [];
  };

  it('refuses a bad document naming its file, line and field, and applies nothing', async () => {
    writeFolder({
      'a-teams.yaml': teams,
      'b-policy.yaml':
        policy(4).replace('minLength: 4', "minLength: 'eight'") + assignment('{ team: design }'),
    });
    const before = await auditRows();
    const { code, out } = await keepApply();
    expect(code).toBe(APPLY_EXIT.invalid);
    expect(out).toContain('b-policy.yaml:6: settings.passcode.minLength:');
    expect(await auditRows()).toBe(before);
    expect(await db().selectFrom('teams').selectAll().execute()).toEqual([]);
  });

  it('refuses an assignment to a team neither the folder nor the server holds', async () => {
    writeFolder({ 'a-teams.yaml': teams, 'b-policy.yaml': policy(8) + assignment('{ team: design }') });
    const { code, out } = await keepApply('--dry-run');
    expect(code).toBe(APPLY_EXIT.invalid);
    expect(out).toMatch(/b-policy\.yaml:12: targets\[0\]\.team: no team named "design"/);
  });

  it('fails with exit 1 naming the permission when the token may not read teams', async () => {
    writeFolder({ 'a-teams.yaml': teams });
    const { code, err } = await keepApplyAs(await tokenFor(db(), 'operator'), '--dry-run');
    expect(code).toBe(APPLY_EXIT.failed);
    expect(err).toMatch(/^keep apply: GET \/v1\/teams: 403 .*teams:manage/);
  });

  it('prints the diff on a dry run, exits 2 and changes nothing', async () => {
    writeFolder({
      'a-teams.yaml': teams,
      'b-policy.yaml': policy(8) + assignment('{ team: engineering, platforms: [macOS] }'),
    });
    const before = await auditRows();
    const { code, out } = await keepApply('--dry-run');
    expect(code).toBe(APPLY_EXIT.changesPending);
    expect(out).toBe(
      [
        '+ team engineering',
        '+ policy baseline',
        '+ assignment baseline: team "engineering", platforms macOS',
        '3 changes.',
        '',
      ].join('\n'),
    );
    expect(await auditRows()).toBe(before);
    expect(await policyRow()).toBeUndefined();
  });

  it('applies teams, then the policy, then its assignment', async () => {
    const { code, out } = await keepApply();
    expect(code).toBe(APPLY_EXIT.ok);
    expect(out).toContain('Applied.');
    const team = await db().selectFrom('teams').selectAll().executeTakeFirstOrThrow();
    expect(team.name).toBe('engineering');
    expect((await policyRow())?.latest_version).toBe(1);
    expect(await assignments()).toMatchObject([{ team_id: team.id, platforms: ['macOS'] }]);
  });

  it('is a no-op when the same folder is applied again', async () => {
    const before = await auditRows();
    expect(await keepApply('--dry-run')).toMatchObject({ code: APPLY_EXIT.ok, out: 'No changes.\n' });
    expect(await keepApply()).toMatchObject({ code: APPLY_EXIT.ok, out: 'No changes.\n' });
    expect(await auditRows()).toBe(before);
    expect((await policyRow())?.latest_version).toBe(1);
  });

  it('shows a changed field and a replaced target in JSON, with secrets redacted, then applies them', async () => {
    const wifi = '  wifi:\n    - { ssid: Guest, security: wpa2-personal, password: correct-horse }\n';
    writeFolder({
      'a-teams.yaml': teams,
      'b-policy.yaml': policy(12, wifi) + assignment('{ team: engineering }'),
    });
    const dry = await keepApply('--dry-run', '--json');
    expect(dry.code).toBe(APPLY_EXIT.changesPending);
    expect(dry.out).not.toContain('correct-horse');
    const plan = JSON.parse(dry.out) as { changes: Array<Record<string, unknown>> };
    expect(plan.changes).toEqual([
      {
        kind: 'Policy',
        action: 'update',
        name: 'baseline',
        changes: [
          { path: 'settings.passcode.minLength', change: 'changed', before: 8, after: 12 },
          {
            path: 'settings.wifi',
            change: 'added',
            after: [{ ssid: 'Guest', security: 'wpa2-personal', password: '<redacted>' }],
          },
        ],
      },
      { kind: 'Assignment', action: 'add', policy: 'baseline', target: { team: 'engineering' } },
      expect.objectContaining({
        kind: 'Assignment',
        action: 'remove',
        target: { team: 'engineering', platforms: ['macOS'] },
      }),
    ]);

    const applied = await keepApply('--json');
    expect(applied.code).toBe(APPLY_EXIT.ok);
    expect(JSON.parse(applied.out)).toMatchObject({ applied: 3 });
    expect((await policyRow())?.latest_version).toBe(2);
    expect(await assignments()).toMatchObject([{ platforms: null }]);
    expect(await keepApply('--dry-run')).toMatchObject({ code: APPLY_EXIT.ok, out: 'No changes.\n' });
  });

  it('reports a policy the folder no longer declares and leaves it without --prune', async () => {
    writeFolder({ 'a-teams.yaml': teams });
    expect(await keepApply()).toMatchObject({
      code: APPLY_EXIT.ok,
      out: 'No changes.\n  policy baseline: not declared; left (--prune deletes it)\n',
    });
    expect((await policyRow())?.deleted_at).toBeNull();
    expect(await assignments()).toHaveLength(1);
  });

  it('with --prune, withdraws the assignments of a policy declared without any, then deletes an undeclared one', async () => {
    const wifi = '  wifi:\n    - { ssid: Guest, security: wpa2-personal, password: correct-horse }\n';
    writeFolder({ 'a-teams.yaml': teams, 'b-policy.yaml': policy(12, wifi) });
    expect(await keepApply('--prune', '--dry-run')).toMatchObject({
      code: APPLY_EXIT.changesPending,
      out: '- assignment baseline: team "engineering"\n1 change.\n',
    });
    expect((await keepApply('--prune')).code).toBe(APPLY_EXIT.ok);
    expect(await assignments()).toEqual([]);

    writeFolder({ 'a-teams.yaml': teams });
    expect(await keepApply('--prune', '--dry-run')).toMatchObject({
      code: APPLY_EXIT.changesPending,
      out: '- delete policy baseline\n1 change.\n',
    });
    expect((await policyRow())?.deleted_at).toBeNull();
    expect((await keepApply('--prune')).code).toBe(APPLY_EXIT.ok);
    expect((await policyRow())?.deleted_at).not.toBeNull();
    const audited = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'policy.delete')
      .execute();
    expect(audited).toHaveLength(1);
    expect(await keepApply('--prune', '--dry-run')).toMatchObject({
      code: APPLY_EXIT.ok,
      out: 'No changes.\n',
    });
  });

  it('with --removal-waves, removes a still-assigned policy through a removal rollout, then deletes it', async () => {
    // Declared again, the deleted policy comes back (unassigned) and is assigned.
    writeFolder({ 'a-teams.yaml': teams, 'b-policy.yaml': policy(12) + assignment('{ team: engineering }') });
    expect((await keepApply()).code).toBe(APPLY_EXIT.ok);
    expect((await policyRow())?.deleted_at).toBeNull();
    expect(await assignments()).toHaveLength(1);

    writeFolder({ 'a-teams.yaml': teams });
    expect(await keepApply('--removal-waves', '1,100%')).toMatchObject({ code: APPLY_EXIT.failed });
    expect(await keepApply('--prune', '--removal-waves', '1,2x')).toMatchObject({
      code: APPLY_EXIT.failed,
      err: expect.stringContaining('"2x" is not a count'),
    });
    expect(await keepApply('--prune', '--removal-waves', '1,100%', '--dry-run')).toMatchObject({
      code: APPLY_EXIT.changesPending,
      out: '- delete policy baseline (a removal rollout in waves 1, 100%)\n1 change.\n',
    });
    expect((await keepApply('--prune', '--removal-waves', '1,100%')).code).toBe(APPLY_EXIT.ok);
    const policyId = (await policyRow())!.id;
    const rollout = await db()
      .selectFrom('rollouts')
      .selectAll()
      .where('policy_id', '=', policyId)
      .executeTakeFirstOrThrow();
    expect(rollout).toMatchObject({ removal: true, assignment_id: null });
    // No device is assigned here: the removal completes at once and deletes the assignment.
    await eventually(async () => ((await assignments()).length === 0 ? true : undefined), 60_000);
    await eventually(async () => {
      const r = await db()
        .selectFrom('rollouts')
        .select('status')
        .where('id', '=', rollout.id)
        .executeTakeFirst();
      return r?.status === 'completed' ? true : undefined;
    }, 60_000);
    expect(await keepApply('--prune', '--removal-waves', '1,100%', '--dry-run')).toMatchObject({
      code: APPLY_EXIT.changesPending,
      out: '- delete policy baseline\n1 change.\n',
    });
    expect((await keepApply('--prune')).code).toBe(APPLY_EXIT.ok);
    expect((await policyRow())?.deleted_at).not.toBeNull();
  });

  it('puts a label on the devices named by serial, assigns by it, changes it, and with --prune takes it off', async () => {
    const first = await insertDevice(db(), { serial_number: 'C02AAA' });
    const second = await insertDevice(db(), { serial_number: 'C02BBB' });
    const labelled = async () =>
      (await db().selectFrom('device_labels').selectAll().orderBy('device_id').execute()).map((r) => [
        r.device_id,
        r.label,
      ]);
    const label = (...serials: string[]) => `kind: Label\nname: canary\ndevices: [${serials.join(', ')}]\n`;
    writeFolder({
      'a-teams.yaml': teams,
      'b-labels.yaml': label('C02AAA', 'C02TYPO'),
      'c-policy.yaml': policy(8) + assignment('{ label: canary }'),
    });
    expect(await keepApply('--dry-run')).toMatchObject({
      code: APPLY_EXIT.invalid,
      out: expect.stringContaining('b-labels.yaml:3: devices[1]: no device with serial number "C02TYPO"'),
    });

    writeFolder({
      'a-teams.yaml': teams,
      'b-labels.yaml': label('C02AAA'),
      'c-policy.yaml': policy(8) + assignment('{ label: canary }'),
    });
    expect(await keepApply('--dry-run')).toMatchObject({
      code: APPLY_EXIT.changesPending,
      out: expect.stringMatching(/^\+ label canary: C02AAA\n/),
    });
    expect(await labelled()).toEqual([]);
    expect((await keepApply()).code).toBe(APPLY_EXIT.ok);
    expect(await labelled()).toEqual([[first, 'canary']]);
    expect((await auditRows()) > 0).toBe(true);
    // Read back, the assignment by label and the label's devices are what the folder says.
    expect(await keepApply('--dry-run')).toMatchObject({ code: APPLY_EXIT.ok, out: 'No changes.\n' });

    writeFolder({
      'a-teams.yaml': teams,
      'b-labels.yaml': label('C02BBB'),
      'c-policy.yaml': policy(8) + assignment('{ label: canary }'),
    });
    expect(await keepApply('--dry-run')).toMatchObject({
      code: APPLY_EXIT.changesPending,
      out: '~ label canary\n    + device C02BBB\n    - device C02AAA\n1 change.\n',
    });
    expect((await keepApply()).code).toBe(APPLY_EXIT.ok);
    expect(await labelled()).toEqual([[second, 'canary']]);
    const audited = await db()
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('action', 'in', ['device.label.add', 'device.label.remove'])
      .orderBy('id')
      .execute();
    expect(audited).toEqual([
      { action: 'device.label.add', target_id: first },
      { action: 'device.label.add', target_id: second },
      { action: 'device.label.remove', target_id: first },
    ]);

    writeFolder({ 'a-teams.yaml': teams, 'c-policy.yaml': policy(8) + assignment('{ team: engineering }') });
    expect(await keepApply('--dry-run')).toMatchObject({
      out: expect.stringContaining('  label canary: not declared; left (--prune takes it off its devices)'),
    });
    expect(await keepApply('--prune', '--dry-run')).toMatchObject({
      out: expect.stringContaining('- delete label canary (taken off C02BBB)\n'),
    });
    expect((await keepApply('--prune')).code).toBe(APPLY_EXIT.ok);
    expect(await labelled()).toEqual([]);
    expect(await keepApply('--prune', '--dry-run')).toMatchObject({
      code: APPLY_EXIT.ok,
      out: 'No changes.\n',
    });
  });
});
