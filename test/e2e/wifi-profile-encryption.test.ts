// A Wi-Fi password in a policy, through the real edge (HTTPS on loopback), Postgres, Temporal and the core: the
// profile that carries it is encrypted to the simulated Mac's identity certificate (EncryptedPayloadContent), so
// the Mac opens it and joins with the password, while the edge database and every decoded Temporal payload hold
// no password in clear (each search with a positive control).
import { describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { decodedHistoryText, edgeDatabaseText, withPlistData } from '../support/secret-search.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

describe('a Wi-Fi password in a policy profile', { timeout: 300_000 }, () => {
  const { planes, api, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  const psk = 'correct-horse-battery-staple-7Q';
  let deviceId: string;

  it('reaches the Mac encrypted to its identity, which opens it', async () => {
    deviceId = await enroll(mac);
    const policy = await api('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'office-wifi',
      settings: { wifi: [{ ssid: 'Office', security: 'wpa2-personal', password: psk }] },
    });
    expect(policy.status).toBe(201);
    const policyId = policy.body.policyId as string;
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { platforms: ['macOS'] })).status).toBe(
      201,
    );
    const wifi = await eventually(
      async () =>
        [...mac.state.profiles.values()]
          .flatMap((p) => p.payloads)
          .find((p) => p.PayloadType === 'com.apple.wifi.managed'),
      WAIT_MS,
    );
    expect(wifi).toMatchObject({ SSID_STR: 'Office', Password: psk });
  });

  it('leaves the password nowhere in the edge database', async () => {
    const { text } = await edgeDatabaseText(planes);
    // Positive control: the InstallProfile that carried it left its row (its body purged once answered).
    const installs = await planes.database.core.db
      .selectFrom('device_commands')
      .select('command_uuid')
      .where('device_id', '=', deviceId)
      .where('request_type', '=', 'InstallProfile')
      .execute();
    expect(installs.length).toBeGreaterThan(0);
    for (const { command_uuid } of installs) expect(text).toContain(command_uuid);
    for (const form of [psk, Buffer.from(psk).toString('base64'), Buffer.from(psk).toString('hex')])
      expect(text.includes(form), form).toBe(false);
  });

  it('leaves the password nowhere in any decoded Temporal payload, the InstallProfile included', async () => {
    const haystack = withPlistData(await decodedHistoryText(planes));
    // Positive controls: the device's id, and the signed profile that crossed to the edge (its payloads encrypted).
    expect(haystack).toContain(deviceId);
    expect(haystack).toContain('EncryptedPayloadContent');
    expect(haystack.includes(psk)).toBe(false);
  });
});
