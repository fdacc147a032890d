// The admin console in a real browser (Debian's chromium via playwright-core) against the real stack: simulated
// Macs enrolled through the HTTPS edge, Postgres, Temporal, the core and a fake APNs. An admin signs in with the
// bootstrap token, finds a non-compliant Mac, locks it and sees the lock acknowledged; a help-desk admin sees
// only what the role allows and a forged request is refused; an admin approves a rollout paused on a failing gate
// and sees it complete. Screenshots of each page are written to docs/screenshots for the README.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { chromiumInstalled, ensureConsoleBuilt, launchChromium } from '../support/browser.js';
import {
  newConsolePage,
  signInAsDirectoryUser,
  signInWithBootstrapToken,
} from '../support/console-browser.js';

/** Bounds, not speed claims: pushes, workflow tasks and chromium on a shared 2-core machine. */
const WAIT_MS = 120_000;
const STEP_MS = 60_000;
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

function baseline(minLength: number) {
  return {
    schemaVersion: 1,
    name: 'baseline',
    settings: { firewall: { enabled: true }, passcode: { minLength } },
  };
}

describe.skipIf(!chromiumInstalled())('the admin console in a browser', { timeout: 600_000 }, () => {
  // Before the admin app starts: it reads the built console once.
  ensureConsoleBuilt();
  const e2e = useAppleE2e({ waitMs: WAIT_MS });
  const failing = new SimulatedAppleDevice({ kind: 'mac' });
  const healthy = new SimulatedAppleDevice({ kind: 'mac' });
  const ids: { failing?: string; healthy?: string; policy?: string } = {};
  let browser: Browser;

  const policyStatus = async (deviceId: string) =>
    ((await e2e.api('GET', `/v1/devices/${deviceId}/compliance`)).body.items as { status: string }[])[0]
      ?.status;

  beforeAll(async () => {
    browser = await launchChromium();
    ids.healthy = await e2e.enroll(healthy);
    ids.failing = await e2e.enroll(failing);
    failing.answerError(['InstallProfile']);
    const stored = await e2e.api('POST', '/v1/policies', baseline(8));
    ids.policy = stored.body.policyId as string;
    const assigned = await e2e.api('POST', `/v1/policies/${ids.policy}/assignments`, {
      platforms: ['macOS'],
    });
    expect(assigned.status).toBe(201);
    await eventually(
      async () => ((await policyStatus(ids.failing!)) === 'failing' ? true : undefined),
      WAIT_MS,
    );
    await eventually(
      async () => ((await policyStatus(ids.healthy!)) === 'compliant' ? true : undefined),
      WAIT_MS,
    );
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    failing.close();
    healthy.close();
  });

  const newPage = () => newConsolePage(browser, STEP_MS);
  const signInAsAdmin = (page: Page) => signInWithBootstrapToken(page, e2e);

  it('signs in, finds a device by serial, sees it non-compliant, locks it and sees the lock acknowledged', async () => {
    const page = await newPage();
    await signInAsAdmin(page);
    await page.getByRole('cell', { name: 'firewall' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}overview.png`, fullPage: true });

    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Search serial number, name or UDID').fill(failing.state.serialNumber.slice(2));
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.getByRole('link', { name: failing.state.serialNumber });
    await row.waitFor();
    await expect.poll(() => page.getByRole('row').count(), { timeout: STEP_MS }).toBe(2);
    await page.screenshot({ path: `${SCREENSHOTS}devices.png`, fullPage: true });

    await row.click();
    await page.getByRole('heading', { name: 'Compliance' }).waitFor();
    await page.locator('caption', { hasText: 'failing' }).waitFor();
    await page.getByLabel(/^PIN/).fill('123456');
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('status').filter({ hasText: 'DeviceLock queued' }).waitFor();
    const lock = page.getByRole('row').filter({ hasText: 'DeviceLock' });
    await lock.getByText('acknowledged').waitFor({ timeout: WAIT_MS });
    expect(failing.state.lock.locked).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}device.png`, fullPage: true });

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'device.command.send' }).first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}audit.png`, fullPage: true });

    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByLabel('Policy', { exact: true }).selectOption({ label: 'baseline (v1)' });
    await expect
      .poll(() => page.getByLabel('Policy YAML').inputValue(), { timeout: STEP_MS })
      .toContain('firewall');
    await page
      .getByLabel('Policy YAML')
      .fill('schemaVersion: 1\nname: baseline\nsettings:\n  firewall: { enabled: maybe }\n');
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.locator('#policy-problems li').first().waitFor();
    expect(await page.locator('#policy-problems').textContent()).toContain('settings.firewall.enabled');
    await page.screenshot({ path: `${SCREENSHOTS}policies.png`, fullPage: true });
    expect(page.violations).toEqual([]);
    await page.context().close();
  });

  it('shows a help-desk admin no erase and no audit log, and refuses a request forged without the CSRF token', async () => {
    const page = await newPage();
    const session = await signInAsDirectoryUser(page, e2e, { username: 'helpdesk', role: 'helpdesk' });
    await page.goto(`${e2e.adminUrl()}/console/devices/${ids.failing}`);
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    await page.getByRole('button', { name: 'Lock' }).waitFor();
    expect(await page.getByRole('button', { name: 'Erase device' }).count()).toBe(0);
    expect(await page.getByLabel(/To erase this device/).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Overview',
      'Devices',
      'Policies',
      'Rollouts',
    ]);

    const answers = await page.evaluate(
      async ({ id, csrfToken }) => {
        const send = (headers: Record<string, string>, requestType: string) =>
          fetch(`/v1/devices/${id}/commands`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ requestType, parameters: { pin: '123456' } }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string } }));
        return {
          forged: await send({}, 'DeviceLock'),
          erase: await send({ 'x-csrf-token': csrfToken }, 'EraseDevice'),
        };
      },
      { id: ids.failing!, csrfToken: session.csrfToken },
    );
    expect(answers.forged.status).toBe(403);
    expect(answers.forged.body.error).toMatch(/^X-CSRF-Token/);
    expect(answers.erase.status).toBe(403);
    expect(answers.erase.body.error).toMatch(/lacks permission commands:send-any/);
    expect(page.violations).toEqual([]);
    await page.context().close();
  });

  it('starts a rollout from the form, shows it paused on a failing gate, approves it and sees it complete', async () => {
    // The Mac that answers Error is in one of the two waves: that wave fails its gate, once.
    const staged = await e2e.api('POST', '/v1/policies?staged=true', baseline(10));
    expect(staged.status).toBe(201);
    const page = await newPage();
    await signInAsAdmin(page);
    await page.getByRole('link', { name: 'Rollouts' }).click();
    await page.getByLabel('Policy to roll out').selectOption({ label: 'baseline (latest v2)' });
    await page.getByLabel('Waves (device counts or percentages)').fill('1, 100%');
    await page.getByLabel('Gate: time limit per wave (seconds)').fill('300');
    await page.getByLabel('Check health every (seconds)').fill('1');
    await page.getByRole('button', { name: 'Start rollout' }).click();
    await page.getByRole('status').filter({ hasText: 'Rollout started.' }).waitFor();
    const status = page.getByTestId('rollout-status');
    await expect.poll(() => status.textContent(), { timeout: WAIT_MS }).toBe('paused');
    await page.getByText(/1 of 1 devices failed/).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}rollouts.png`, fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => status.textContent(), { timeout: WAIT_MS }).toBe('completed');
    expect(page.violations).toEqual([]);
    await page.context().close();
  });
});
