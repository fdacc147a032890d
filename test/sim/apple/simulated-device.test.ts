import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, decodeSecurityInfo, type CommandSpec } from '../../../core/apple/commands/index.js';
import { decodeStatusReport } from '../../../core/apple/declarative/index.js';
import { buildPlist, type PlistDict } from '../../../core/apple/plist-codec.js';
import { decryptEnvelopedData } from '../../../core/cms/index.js';
import { localAdminPasswordHash } from '../../../core/apple/local-admin-password-hash.js';
import { createApnsClient } from '../../../edge/apple/push/apns-client.js';
import { createFakeApns } from '../../fakes/apns/fake-apns.js';
import { createTestPushCertificate } from '../../support/push-cert.js';
import { createTestCa } from '../../support/test-ca.js';
import { checkinProblems, resultProblems, REQUEST_TYPES } from './apple-schemas.js';
import type { DeviceKind } from './device-state.js';
import { passwordOpens } from './local-admin-account.js';
import type { SignatureForm } from './mdm-signature.js';
import { DeviceOfflineError, SimulatedAppleDevice, type EnrollOptions } from './simulated-device.js';
import {
  escrowProfile,
  signed,
  startTestEnvironment,
  wifiProfile,
  type TestEnvironment,
} from './test-environment.js';

const pushCa = createTestCa('Sim Push CA');
const pushCert = createTestPushCertificate({ ca: pushCa });
/** Commands an iPhone answers with Error: they exist on macOS only. */
const MAC_ONLY = new Set([
  'RotateFileVaultKey',
  'SetRecoveryLock',
  'VerifyRecoveryLock',
  'AccountConfiguration',
  'SetAutoAdminPassword',
]);

describe('simulated Apple device against a local MDM server', () => {
  let env: TestEnvironment;
  const devices: SimulatedAppleDevice[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment({ topic: pushCert.topic });
  });
  afterEach(() => devices.splice(0).forEach((d) => d.close()));
  afterAll(async () => {
    await env.close();
  });

  async function enrolled(
    kind: DeviceKind = 'mac',
    form: SignatureForm = 'device',
    options: EnrollOptions = {},
  ) {
    const device = new SimulatedAppleDevice({ kind, signatureForm: form });
    devices.push(device);
    await device.enrollFromProfile(env.enrollmentProfile(), options);
    return device;
  }

  const checkinsOf = (device: SimulatedAppleDevice) =>
    env.mdm.checkins.filter((c) => c.dict.UDID === device.udid);
  const reportsOf = (device: SimulatedAppleDevice) =>
    env.mdm.reports.filter((r) => r.dict.UDID === device.udid);

  for (const kind of ['mac', 'iphone'] as const) {
    it(`enrols a ${kind} through SCEP with check-ins that match Apple's schemas`, async () => {
      const device = await enrolled(kind, 'device', { bootstrapToken: true });
      const sent = checkinsOf(device);
      expect(sent.map((c) => c.dict.MessageType)).toEqual(
        kind === 'mac'
          ? ['Authenticate', 'TokenUpdate', 'SetBootstrapToken']
          : ['Authenticate', 'TokenUpdate'],
      );
      for (const message of sent) expect(checkinProblems(message.dict, kind)).toEqual([]);
      expect(sent.every((c) => c.signature === 'valid')).toBe(true);
      const tokenUpdate = sent[1]!.decoded;
      expect(tokenUpdate).toMatchObject({
        messageType: 'TokenUpdate',
        topic: env.topic,
        pushMagic: device.pushMagic,
      });
      expect(tokenUpdate.messageType === 'TokenUpdate' && tokenUpdate.token.byteLength).toBe(32);
      expect(device.state.certificates.some((c) => c.isIdentity)).toBe(true);
    });
  }

  it('enrols from an unsigned profile, trusting the TLS CA given as edgeCa', async () => {
    const device = new SimulatedAppleDevice({ kind: 'iphone' });
    devices.push(device);
    await device.enrollFromProfile(env.enrollmentProfile({ signed: false, anchor: false }), {
      edgeCa: env.mdm.tlsCa.certPem,
    });
    expect(device.lastResponse?.status).toBe(200);
  });

  it('signs like a real device: SHA-1, no signed attributes, indefinite-length BER', async () => {
    const device = await enrolled('mac', 'device');
    await device.runSession();
    const [idle] = reportsOf(device);
    expect(idle).toMatchObject({
      signature: 'valid',
      digest: 'sha1',
      signedAttributes: false,
      indefiniteLength: true,
    });
  });

  it('signs with SHA-256 and signed attributes when asked', async () => {
    const device = await enrolled('iphone', 'sha256-attributes');
    await device.runSession();
    const [idle] = reportsOf(device);
    expect(idle).toMatchObject({
      signature: 'valid',
      digest: 'sha256',
      signedAttributes: true,
      indefiniteLength: false,
    });
  });

  for (const form of ['device', 'sha256-attributes'] as const) {
    it(`a body changed after signing fails verification (${form})`, async () => {
      const device = await enrolled('mac', form);
      device.tamper = { kind: 'body-changed-after-signing' };
      await expect(device.runSession()).rejects.toMatchObject({ status: 403 });
      expect(reportsOf(device).at(-1)?.signature).toBe('bad-signature');
    });
  }

  it('is refused when it signs with a certificate from another CA', async () => {
    const device = await enrolled('mac');
    device.tamper = { kind: 'wrong-certificate' };
    await expect(device.runSession()).rejects.toMatchObject({ status: 403 });
    expect(reportsOf(device).at(-1)?.signature).toBe('wrong-certificate');
  });

  it("is refused when it claims another device's UDID", async () => {
    const victim = await enrolled('iphone');
    const thief = await enrolled('mac');
    thief.tamper = { kind: 'other-udid', udid: victim.udid };
    await expect(thief.runSession()).rejects.toMatchObject({ status: 403 });
    expect(reportsOf(victim).at(-1)?.signature).toBe('wrong-certificate');
  });

  it('is refused when it sends no signature', async () => {
    const device = await enrolled('mac');
    device.tamper = { kind: 'unsigned' };
    expect((await device.tokenUpdate()).status).toBe(403);
    expect(checkinsOf(device).at(-1)?.signature).toBe('missing');
  });

  for (const kind of ['mac', 'iphone'] as const) {
    it(`answers every command Keep sends with a result that matches Apple's schema (${kind})`, async () => {
      const device = await enrolled(kind);
      // FileVault on already, with the key the rotation below unlocks with.
      device.state.fileVault = {
        ...device.state.fileVault,
        enabled: kind === 'mac',
        personalRecoveryKey: 'x',
      };
      const escrow = escrowProfile();
      const specs: CommandSpec[] = [
        {
          requestType: 'DeviceInformation',
          queries: ['UDID', 'SerialNumber', 'OSVersion', 'DeviceName', 'IMEI', 'Nope'],
        },
        { requestType: 'InstallProfile', payload: signed(escrow.profile) },
        { requestType: 'InstallProfile', payload: new TextEncoder().encode(buildPlist(wifiProfile())) },
        { requestType: 'SecurityInfo' },
        { requestType: 'ProfileList' },
        { requestType: 'RemoveProfile', identifier: 'com.example.wifi' },
        { requestType: 'InstalledApplicationList' },
        { requestType: 'CertificateList' },
        { requestType: 'DeviceLock', pin: '123456', message: 'Call IT' },
        {
          requestType: 'RotateFileVaultKey',
          keyType: 'personal',
          fileVaultUnlock: { password: 'x' },
          replyEncryptionCertificate: escrow.certificate,
        },
        { requestType: 'SetRecoveryLock', newPassword: 'recovery-1' },
        { requestType: 'VerifyRecoveryLock', password: 'recovery-1' },
        { requestType: 'DeclarativeManagement' },
        { requestType: 'RestartDevice' },
      ];
      const commands = specs.map((spec) => buildCommand(spec));
      for (const command of commands) env.mdm.enqueue(device.udid, command);
      const handled = await device.runSession();

      expect(handled.map((h) => h.commandUuid)).toEqual(commands.map((c) => c.CommandUUID));
      const results = reportsOf(device).filter((r) => r.dict.Status !== 'Idle');
      expect(results).toHaveLength(commands.length);
      for (const [i, report] of results.entries()) {
        const type = specs[i]!.requestType;
        expect(resultProblems(type, report.dict, kind), type).toEqual([]);
        expect(report.signature).toBe('valid');
      }
      const expectErrorOnIphone = kind === 'iphone' ? 'Error' : 'Acknowledged';
      expect(handled.map((h) => `${h.requestType}:${h.status}`)).toEqual(
        specs.map(
          (s) => `${s.requestType}:${MAC_ONLY.has(s.requestType) ? expectErrorOnIphone : 'Acknowledged'}`,
        ),
      );
      expect(device.state.restarts).toBe(1);
      expect(device.state.lock.locked).toBe(true);
      expect(
        checkinsOf(device).filter((c) => c.dict.MessageType === 'DeclarativeManagement'),
      ).not.toHaveLength(0);
    });
  }

  it('covers every RequestType Keep can build', () => {
    expect(REQUEST_TYPES.sort()).toEqual(
      [
        'DeviceInformation',
        'SecurityInfo',
        'ProfileList',
        'InstallProfile',
        'RemoveProfile',
        'InstalledApplicationList',
        'CertificateList',
        'DeviceLock',
        'EraseDevice',
        'RotateFileVaultKey',
        'SetRecoveryLock',
        'VerifyRecoveryLock',
        'DeclarativeManagement',
        'RestartDevice',
        'ShutDownDevice',
        'DeviceConfigured',
        'AccountConfiguration',
        'SetAutoAdminPassword',
      ].sort(),
    );
  });

  it('escrows the FileVault recovery key encrypted to the escrow certificate, and a rotated one too', async () => {
    const device = await enrolled('mac');
    const escrow = escrowProfile();
    const install = buildCommand({ requestType: 'InstallProfile', payload: signed(escrow.profile) });
    const info = buildCommand({ requestType: 'SecurityInfo' });
    env.mdm.enqueue(device.udid, install);
    env.mdm.enqueue(device.udid, info);
    await device.runSession();

    const report = reportsOf(device).find((r) => r.dict.CommandUUID === info.CommandUUID)!;
    const facts = decodeSecurityInfo(report.decoded.status === 'Acknowledged' ? report.decoded.result : {});
    expect(facts.fileVault).toMatchObject({ enabled: true, hasPersonalRecoveryKey: true });
    const clear = decryptEnvelopedData(facts.fileVault.personalRecoveryKeyCms!, escrow);
    expect(clear.content.toString('utf8')).toBe(device.state.fileVault.personalRecoveryKey);
    expect(clear.content.toString('utf8')).toMatch(/^([A-Z0-9]{4}-){5}[A-Z0-9]{4}$/);

    const before = device.state.fileVault.personalRecoveryKey;
    const rotate = buildCommand({
      requestType: 'RotateFileVaultKey',
      keyType: 'personal',
      fileVaultUnlock: { password: before! },
      replyEncryptionCertificate: escrow.certificate,
    });
    env.mdm.enqueue(device.udid, rotate);
    await device.runSession();
    const rotated = reportsOf(device).find((r) => r.dict.CommandUUID === rotate.CommandUUID)!;
    const encrypted = (rotated.dict.RotateResult as PlistDict).EncryptedNewRecoveryKey as Uint8Array;
    const newKey = decryptEnvelopedData(encrypted, escrow).content.toString('utf8');
    expect(newKey).toBe(device.state.fileVault.personalRecoveryKey);
    expect(newKey).not.toBe(before);
  });

  it('changes its Recovery Lock password only when given the current one', async () => {
    const device = await enrolled('mac');
    const set = buildCommand({ requestType: 'SetRecoveryLock', newPassword: 'first' });
    const wrong = buildCommand({
      requestType: 'SetRecoveryLock',
      currentPassword: 'guess',
      newPassword: 'second',
    });
    const verify = buildCommand({ requestType: 'VerifyRecoveryLock', password: 'first' });
    for (const command of [set, wrong, verify]) env.mdm.enqueue(device.udid, command);
    const handled = await device.runSession();
    expect(handled.map((h) => h.status)).toEqual(['Acknowledged', 'Error', 'Acknowledged']);
    const verified = reportsOf(device).find((r) => r.dict.CommandUUID === verify.CommandUUID)!;
    expect(verified.dict.PasswordVerified).toBe(true);
    expect(device.state.recoveryLockPassword).toBe('first');
  });

  it('creates its managed admin from AccountConfiguration only in Setup Assistant, and changes its password only for its GUID', async () => {
    const device = await enrolled('mac');
    device.state.awaitingConfiguration = true;
    const create = buildCommand({
      requestType: 'AccountConfiguration',
      autoSetupAdminAccounts: [
        { shortName: 'admin', passwordHash: localAdminPasswordHash('first'), hidden: true },
      ],
    });
    const malformed = buildCommand({
      requestType: 'SetAutoAdminPassword',
      guid: 'any',
      passwordHash: new TextEncoder().encode(buildPlist({ 'SALTED-SHA512-PBKDF2': { iterations: 1 } })),
    });
    for (const command of [create, malformed]) env.mdm.enqueue(device.udid, command);
    expect((await device.runSession()).map((h) => h.status)).toEqual(['Acknowledged', 'CommandFormatError']);
    const account = device.state.localAdmin!;
    expect(account).toMatchObject({ shortName: 'admin', hidden: true });
    expect(passwordOpens(account.hash, 'first')).toBe(true);
    expect(passwordOpens(account.hash, 'second')).toBe(false);

    const foreign = buildCommand({
      requestType: 'SetAutoAdminPassword',
      guid: randomUUID().toUpperCase(),
      passwordHash: localAdminPasswordHash('second'),
    });
    const change = buildCommand({
      requestType: 'SetAutoAdminPassword',
      guid: account.guid,
      passwordHash: localAdminPasswordHash('second'),
    });
    const lookup = buildCommand({ requestType: 'DeviceInformation', queries: ['AutoSetupAdminAccounts'] });
    for (const command of [foreign, change, lookup]) env.mdm.enqueue(device.udid, command);
    expect((await device.runSession()).map((h) => h.status)).toEqual([
      'Error',
      'Acknowledged',
      'Acknowledged',
    ]);
    expect(passwordOpens(device.state.localAdmin!.hash, 'second')).toBe(true);
    expect(passwordOpens(device.state.localAdmin!.hash, 'first')).toBe(false);
    const reported = reportsOf(device).find((r) => r.dict.CommandUUID === lookup.CommandUUID)!;
    expect(reported.dict.QueryResponses).toEqual({
      AutoSetupAdminAccounts: [{ GUID: account.guid, shortName: 'admin' }],
    });

    device.state.awaitingConfiguration = false;
    env.mdm.enqueue(device.udid, buildCommand({ requestType: 'AccountConfiguration' }));
    expect((await device.runSession()).map((h) => h.status)).toEqual(['Error']);
  });

  it('answers an unknown command with Error and an ErrorChain', async () => {
    const device = await enrolled('iphone');
    env.mdm.enqueue(device.udid, {
      CommandUUID: randomUUID(),
      Command: { RequestType: 'PlayLostModeSound' },
    });
    const [handled] = await device.runSession();
    expect(handled).toMatchObject({ requestType: 'PlayLostModeSound', status: 'Error' });
    const report = reportsOf(device).at(-1)!.decoded;
    expect(report.status === 'Error' && report.errorChain[0]).toMatchObject({
      errorDomain: 'MCMDMErrorDomain',
    });
  });

  it('answers NotNow as told and runs the command at a later session', async () => {
    const device = await enrolled('iphone');
    const lock = buildCommand({ requestType: 'DeviceLock' });
    const list = buildCommand({ requestType: 'ProfileList' });
    env.mdm.enqueue(device.udid, lock);
    env.mdm.enqueue(device.udid, list);
    device.answerNotNow(['DeviceLock']);

    const first = await device.runSession();
    expect(first.map((h) => `${h.requestType}:${h.status}`)).toEqual([
      'DeviceLock:NotNow',
      'ProfileList:Acknowledged',
    ]);
    expect(device.state.lock.locked).toBe(false);
    expect(env.mdm.queued(device.udid).map((c) => c.CommandUUID)).toEqual([lock.CommandUUID]);

    device.answerNotNow(false);
    const second = await device.runSession();
    expect(second.map((h) => `${h.requestType}:${h.status}`)).toEqual(['DeviceLock:Acknowledged']);
    expect(device.state.lock.locked).toBe(true);
    expect(env.mdm.queued(device.udid)).toEqual([]);
  });

  it('offline, requests fail and pushes are ignored; online again, a push runs a session', async () => {
    const apns = createFakeApns({ clientCaPem: pushCa.certPem });
    const running = await apns.start();
    const sender = createApnsClient({
      baseUrl: running.url,
      extraCaPem: running.caPem,
      credentials: () => ({ certPem: pushCert.certPem, keyPem: pushCert.keyPem }),
    });
    try {
      const device = await enrolled('mac', 'device', { fakeApns: apns });
      const target = { token: device.pushToken!, pushMagic: device.pushMagic! };
      const command = buildCommand({ requestType: 'DeviceInformation', queries: ['SerialNumber'] });
      env.mdm.enqueue(device.udid, command);

      device.goOffline();
      await expect(device.runSession()).rejects.toBeInstanceOf(DeviceOfflineError);
      await sender.send(env.topic, [target]);
      await expect.poll(() => device.pushesIgnored).toBe(1);
      expect(env.mdm.queued(device.udid)).toHaveLength(1);

      device.goOnline();
      const session = device.nextSession(5_000);
      const [outcome] = await sender.send(env.topic, [target]);
      expect(outcome).toMatchObject({ status: 'sent' });
      const handled = await session;
      expect(handled).toMatchObject([{ commandUuid: command.CommandUUID, status: 'Acknowledged' }]);
      expect(handled[0]!.result).toMatchObject({
        QueryResponses: { SerialNumber: device.state.serialNumber },
      });
      expect(env.mdm.queued(device.udid)).toEqual([]);
    } finally {
      await sender.close();
      await running.close();
    }
  });

  it('shows a profile the user removed (drift) in the next ProfileList', async () => {
    const device = await enrolled('iphone');
    const wifi = wifiProfile('com.example.drift');
    env.mdm.enqueue(device.udid, buildCommand({ requestType: 'InstallProfile', payload: signed(wifi) }));
    await device.runSession();

    expect(device.drift.removeProfile('com.example.drift')).toBe(true);
    const list = buildCommand({ requestType: 'ProfileList' });
    env.mdm.enqueue(device.udid, list);
    await device.runSession();
    const report = reportsOf(device).find((r) => r.dict.CommandUUID === list.CommandUUID)!;
    const identifiers = (report.dict.ProfileList as PlistDict[]).map((p) => p.PayloadIdentifier);
    expect(identifiers).toContain('com.example.keep.enrollment');
    expect(identifiers).not.toContain('com.example.drift');
  });

  it('syncs declarations after a DeclarativeManagement command and reports their status', async () => {
    env.mdm.declarations.splice(0, env.mdm.declarations.length, {
      type: 'com.apple.configuration.passcode.settings',
      identifier: 'passcode',
      payload: { MinimumLength: 6 },
    });
    try {
      const device = await enrolled('iphone');
      env.mdm.enqueue(device.udid, buildCommand({ requestType: 'DeclarativeManagement' }));
      await device.runSession();
      expect(device.declarative?.declarations).toMatchObject([
        { identifier: 'passcode', payload: { MinimumLength: 6 } },
      ]);
      const ddm = checkinsOf(device).filter((c) => c.dict.MessageType === 'DeclarativeManagement');
      expect(ddm.map((c) => c.dict.Endpoint)).toEqual([
        'tokens',
        'declaration-items',
        'declaration/configuration/passcode',
        'status',
      ]);
      for (const message of ddm) expect(checkinProblems(message.dict, 'iphone')).toEqual([]);
      const status = decodeStatusReport(ddm.at(-1)!.dict.Data as Uint8Array);
      expect(status.declarations).toMatchObject([{ identifier: 'passcode', active: true, valid: 'valid' }]);
    } finally {
      env.mdm.declarations.splice(0);
    }
  });

  it('goes away after acknowledging EraseDevice', async () => {
    const device = await enrolled('mac');
    env.mdm.enqueue(device.udid, buildCommand({ requestType: 'EraseDevice', pin: '123456' }));
    env.mdm.enqueue(device.udid, buildCommand({ requestType: 'ProfileList' }));
    const handled = await device.runSession();
    expect(handled.map((h) => h.requestType)).toEqual(['EraseDevice']);
    expect(device.enrolled).toBe(false);
    await expect(device.runSession()).rejects.toThrow('not enrolled');
  });

  it('checks out with a CheckOut that matches the schema and forgets the enrollment', async () => {
    const device = await enrolled('mac');
    expect((await device.checkOut()).status).toBe(200);
    const checkOut = checkinsOf(device).at(-1)!;
    expect(checkOut.dict.MessageType).toBe('CheckOut');
    expect(checkinProblems(checkOut.dict, 'mac')).toEqual([]);
    expect(device.state.profiles.has('com.example.keep.enrollment')).toBe(false);
    expect(device.enrolled).toBe(false);
  });

  it('fetches its escrowed bootstrap token back with GetBootstrapToken', async () => {
    const device = await enrolled('mac', 'device', { bootstrapToken: true });
    const response = await device.checkIn('GetBootstrapToken', { AwaitingConfiguration: false });
    expect(response.status).toBe(200);
    expect(checkinProblems(checkinsOf(device).at(-1)!.dict, 'mac')).toEqual([]);
    expect(response.body.toString()).toContain(Buffer.from(device.state.bootstrapToken!).toString('base64'));
  });
});
