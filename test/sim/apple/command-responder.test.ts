import { describe, expect, it } from 'vitest';
import { buildCommand, type CommandSpec } from '../../../core/apple/commands/index.js';
import { buildPlist } from '../../../core/apple/plist-codec.js';
import { translatePolicy } from '../../../core/apple/policy/index.js';
import { commandSchema } from '../../../core/apple/policy/policy-commands.js';
import { validateAgainstSchema } from '../../../core/apple/schemas/apple-schema.js';
import { respondToCommand } from './command-responder.js';
import { createDeviceState, type DeviceKind } from './device-state.js';
import { signed, wifiProfile } from './test-environment.js';

function answer(spec: CommandSpec, kind: DeviceKind = 'mac', state = createDeviceState(kind)) {
  return respondToCommand(buildCommand(spec).Command, state);
}

describe('command responder', () => {
  it('records a signed profile with its signer certificates, and removes it again', () => {
    const state = createDeviceState('iphone');
    const install = answer(
      { requestType: 'InstallProfile', payload: signed(wifiProfile()) },
      'iphone',
      state,
    );
    expect(install.status).toBe('Acknowledged');
    expect(state.profiles.get('com.example.wifi')?.signerCertificates).toHaveLength(1);
    expect(
      answer({ requestType: 'RemoveProfile', identifier: 'com.example.wifi' }, 'iphone', state).status,
    ).toBe('Acknowledged');
    expect(state.profiles.has('com.example.wifi')).toBe(false);
  });

  it('refuses a signed profile whose content was altered', () => {
    const der = Buffer.from(signed(wifiProfile()));
    const at = der.indexOf('Office Wi-Fi');
    der.write('Evil', at, 'latin1');
    const outcome = answer({ requestType: 'InstallProfile', payload: der });
    expect(outcome).toMatchObject({ status: 'Error', errorChain: [{ ErrorDomain: 'MCProfileErrorDomain' }] });
  });

  it('leaves Setup Assistant on DeviceConfigured, and refuses it when nothing awaits configuration', () => {
    const state = createDeviceState('mac', { awaitingConfiguration: true });
    expect(answer({ requestType: 'DeviceConfigured' }, 'mac', state).status).toBe('Acknowledged');
    expect(state.awaitingConfiguration).toBe(false);
    expect(answer({ requestType: 'DeviceConfigured' }, 'mac', state).status).toBe('Error');
  });

  it('refuses to remove a profile that is not installed', () => {
    expect(answer({ requestType: 'RemoveProfile', identifier: 'com.example.none' }).status).toBe('Error');
  });

  it('refuses an MDM payload sent with InstallProfile', () => {
    const profile = wifiProfile();
    (profile.PayloadContent as { PayloadType: string }[])[0]!.PayloadType = 'com.apple.mdm';
    const payload = new TextEncoder().encode(buildPlist(profile));
    expect(answer({ requestType: 'InstallProfile', payload }).status).toBe('Error');
  });

  it('answers only the DeviceInformation queries the platform knows', () => {
    const mac = answer(
      { requestType: 'DeviceInformation', queries: ['IMEI', 'EthernetMAC', 'Unknown'] },
      'mac',
    );
    const phone = answer(
      { requestType: 'DeviceInformation', queries: ['IMEI', 'EthernetMAC', 'Unknown'] },
      'iphone',
    );
    expect(Object.keys(mac.result.QueryResponses as object)).toEqual(['EthernetMAC']);
    expect(Object.keys(phone.result.QueryResponses as object)).toEqual(['IMEI']);
  });

  it('reports no FileVault recovery key until an escrow payload is installed', () => {
    const info = answer({ requestType: 'SecurityInfo' }).result.SecurityInfo as Record<string, unknown>;
    expect(info.FDE_Enabled).toBe(true);
    expect(info.FDE_PersonalRecoveryKeyCMS).toBeUndefined();
  });

  it('answers a command without RequestType with CommandFormatError', () => {
    expect(respondToCommand({}, createDeviceState('mac')).status).toBe('CommandFormatError');
  });

  it("answers a policy's app and OS update commands as Apple documents, changing the device", () => {
    const state = createDeviceState('mac', {
      osVersion: '12.6',
      supervised: true,
      appStore: new Map([
        [
          123456,
          { identifier: 'com.example.app', name: 'App', version: '1', shortVersion: '1.0', bundleSize: 1 },
        ],
      ]),
    });
    const { commands } = translatePolicy(
      {
        schemaVersion: 1,
        name: 'apps',
        settings: {
          osUpdates: [{ platform: 'macOS', minimumVersion: '12.7', deadline: '2026-12-01T18:00:00' }],
          apps: [
            { bundleId: 'com.example.app', action: 'install', appStoreId: '123456' },
            {
              bundleId: 'com.example.tool',
              action: 'install',
              package: {
                url: 'https://cdn.example.com/tool.pkg',
                sha256: 'a'.repeat(64),
                size: 1,
                version: '2.0',
              },
            },
          ],
        },
      },
      { platform: 'macOS', osVersion: '12.6', supervised: true, enrollment: 'device' },
      {
        identifierPrefix: 'keep',
        organization: 'Example',
        profileBaseUrl: 'https://x.example/',
        declarativeManagement: false,
      },
    );
    expect(commands.map((c) => c.requestType)).toEqual([
      'ScheduleOSUpdate',
      'InstallApplication',
      'InstallEnterpriseApplication',
    ]);
    for (const c of commands) {
      const outcome = respondToCommand(c.command, state);
      expect(outcome.status, c.requestType).toBe('Acknowledged');
      const problems = validateAgainstSchema(commandSchema(c.requestType), outcome.result, {
        os: 'macOS',
        channel: 'device',
        section: 'responsekeys',
      });
      expect(problems, c.requestType).toEqual([]);
    }
    expect(state.osVersion).toBe('12.7');
    expect(state.apps.filter((a) => a.managed).map((a) => [a.identifier, a.version])).toEqual([
      ['com.example.app', '1'],
      ['com.example.tool', '2.0'],
    ]);
    const remove = { RequestType: 'RemoveApplication', Identifier: 'com.example.app' };
    expect(respondToCommand(remove, state).status).toBe('Acknowledged');
    expect(state.apps.some((a) => a.identifier === 'com.example.app')).toBe(false);
    expect(respondToCommand(remove, state).status).toBe('Error');
  });

  it('answers Error for an app the App Store does not have, and for an update on an unsupervised device', () => {
    const state = createDeviceState('mac');
    expect(respondToCommand({ RequestType: 'InstallApplication', iTunesStoreID: 1 }, state).status).toBe(
      'Error',
    );
    const update = {
      RequestType: 'ScheduleOSUpdate',
      Updates: [{ ProductVersion: '15.0', InstallAction: 'InstallASAP' }],
    };
    expect(respondToCommand(update, state).status).toBe('Error');
    expect(state.osVersion).toBe('14.5');
  });
});
