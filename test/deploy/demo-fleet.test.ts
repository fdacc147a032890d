// The demo fleet of `npm start -- --demo N`, against the real edge and admin API: its devices enrol from profiles
// the admin API hands out, answer the inventory commands the core sends them, and show in the device list.
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { startDemoFleet, type DemoFleet } from '../../deploy/demo/demo-fleet.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

/** A bound, not a speed claim: RSA keys and SCEP on a loaded machine. */
const WAIT_MS = 120_000;

describe('the demo fleet', { timeout: 240_000 }, () => {
  const e2e = useAppleE2e({ waitMs: WAIT_MS });
  let fleet: DemoFleet | undefined;
  afterAll(() => fleet?.stop());

  it('enrols its devices through the edge and they appear, inventoried, in the admin API', async () => {
    fleet = startDemoFleet({
      count: 4,
      adminUrl: e2e.adminUrl(),
      adminToken: e2e.bootstrapToken,
      edgeCaPem: e2e.edgeCaPem,
      pushSource: e2e.apns(),
      log: createLogger('demo-test', 'silent'),
      tickMs: 200,
    });
    const report = await fleet.enrolled;
    expect(report).toMatchObject({ ok: 4, failed: 0 });
    const listed = await eventually(async () => {
      const page = await e2e.api('GET', '/v1/devices?status=enrolled&limit=10');
      const items = page.body.items as { osVersion: string | null; platform: string }[];
      // The OS version comes from the device's own DeviceInformation answer: the device answered a command.
      return items.length === 4 && items.every((d) => d.osVersion !== null) ? items : undefined;
    }, WAIT_MS);
    expect(listed.map((d) => d.platform)).toEqual(['apple', 'apple', 'apple', 'apple']);
    expect(new Set(fleet.devices.map((d) => d.state.kind))).toEqual(new Set(['mac', 'iphone']));
  });
});
