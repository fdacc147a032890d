import { describe, expect, it } from 'vitest';
import { buildCommand, type CommandSpec } from '../../../core/apple/commands/index.js';
import { buildPlist } from '../../../core/apple/plist-codec.js';
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
});
