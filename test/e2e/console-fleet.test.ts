// The console over a demo fleet in a real browser: the devices page's filters and a bulk Lock through
// POST /v1/commands that the selected devices (and only they) carry out; a device's command history kept live by
// server-sent events; the ABM, OIDC and directory settings.
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { startDemoFleet, type DemoFleet } from '../../deploy/demo/demo-fleet.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { chromiumInstalled, ensureConsoleBuilt, launchChromium } from '../support/browser.js';
import { newConsolePage, signInWithBootstrapToken } from '../support/console-browser.js';

/** Bounds, not speed claims: pushes, workflow tasks and chromium on a shared 2-core machine. */
const WAIT_MS = 120_000;
const STEP_MS = 60_000;
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

describe.skipIf(!chromiumInstalled())('the console over a demo fleet', { timeout: 600_000 }, () => {
  // Before the admin app starts: it reads the built console once.
  ensureConsoleBuilt();
  const e2e = useAppleE2e({ waitMs: WAIT_MS });
  let fleet: DemoFleet;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    fleet = startDemoFleet({
      count: 4,
      adminUrl: e2e.adminUrl(),
      adminToken: e2e.bootstrapToken,
      edgeCaPem: e2e.edgeCaPem,
      pushSource: e2e.apns(),
      log: createLogger('demo-test', 'silent'),
      // The living fleet's moves are not what this test watches.
      tickMs: 600_000,
    });
    expect(await fleet.enrolled).toMatchObject({ ok: 4, failed: 0 });
    await eventually(async () => {
      const page = await e2e.api('GET', '/v1/devices?osVersion=14');
      return (page.body.items as unknown[]).length === 2 ? true : undefined;
    }, WAIT_MS);
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    fleet?.stop();
  });

  it('locks the Macs selected by an OS version filter, and no other device', async () => {
    const page = await newConsolePage(browser, STEP_MS);
    await signInWithBootstrapToken(page, e2e);
    await page.goto(`${e2e.adminUrl()}/console/devices`);
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select [A-Z0-9]/ }).count()).toBe(4);

    await page.getByLabel('OS version').fill('14');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select [A-Z0-9]/ }).count()).toBe(2);
    await page.getByRole('checkbox', { name: 'Select every device on this page' }).check();
    await page.getByRole('heading', { name: '2 selected' }).waitFor();
    await page.getByLabel('PIN for Macs (6 digits)').fill('123456');
    await page.getByRole('button', { name: 'Lock selected' }).click();
    await page.getByRole('status').filter({ hasText: 'apple: 2 accepted, 0 refused' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}devices-bulk.png`, fullPage: true });

    const macs = fleet.devices.filter((device) => device.state.kind === 'mac');
    await eventually(async () => (macs.every((mac) => mac.state.lock.locked) ? true : undefined), WAIT_MS);
    expect(macs.map((mac) => mac.state.lock.pin)).toEqual(['123456', '123456']);
    const iphones = fleet.devices.filter((device) => device.state.kind === 'iphone');
    expect(iphones.map((iphone) => iphone.state.lock.locked)).toEqual([false, false]);

    // No policy is assigned: no device fails one.
    await page.getByLabel('Compliance').selectOption('failing');
    await page.getByText('No device matches.').waitFor();
    expect(page.violations).toEqual([]);
  });

  it("shows a device's command history live through server-sent events", async () => {
    const page = await newConsolePage(browser, STEP_MS);
    const streams: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'eventsource') streams.push(new URL(request.url()).pathname);
    });
    await signInWithBootstrapToken(page, e2e);
    const iphone = fleet.devices.find((device) => device.state.kind === 'iphone')!;
    const found = await e2e.api('GET', `/v1/devices?q=${iphone.state.serialNumber}`);
    const deviceId = (found.body.items as { id: string }[])[0]!.id;
    await page.goto(`${e2e.adminUrl()}/console/devices/${deviceId}`);
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    await expect.poll(() => streams).toEqual([`/v1/devices/${deviceId}/command-events`]);
    // Sent from elsewhere (the API): the open page learns of it, and of the answer, from the stream.
    expect(
      (await e2e.api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'DeviceLock' })).status,
    ).toBe(202);
    await page
      .getByRole('row')
      .filter({ hasText: 'DeviceLock' })
      .filter({ hasText: 'acknowledged' })
      .waitFor({
        timeout: WAIT_MS,
      });
    expect(iphone.state.lock.locked).toBe(true);
    expect(page.violations).toEqual([]);
  });

  it('shows the ABM, OIDC and directory settings, and adds an ABM server entry', async () => {
    const page = await newConsolePage(browser, STEP_MS);
    await signInWithBootstrapToken(page, e2e);
    await page.goto(`${e2e.adminUrl()}/console/settings`);
    await expect.poll(() => page.getByTestId('oidc-status').textContent()).toBe('not configured');
    await page.getByRole('heading', { name: 'Directory' }).waitFor();
    await page.getByText('No ABM server entry yet.').waitFor();
    await page.getByRole('button', { name: 'Add an ABM server entry' }).click();
    await page.getByRole('status').filter({ hasText: 'Entry added' }).waitFor();
    await page.getByRole('cell', { name: 'no token yet' }).waitFor();
    await page.getByLabel(/^Upload the token for /).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}settings-identity.png`, fullPage: true });
    expect(page.violations).toEqual([]);
  });
});
