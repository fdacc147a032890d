// The console's admin-only pages in a real browser against the real stack (HTTPS edge, Postgres, Temporal, the
// core, a fake APNs, a simulated Mac with its FileVault key escrowed): a key reveal that needs a second admin,
// approved from another browser context and shown once to the admin who asked; and the settings pages (push
// certificate, expiring certificates, teams and grants, API tokens shown once). Screenshots go to docs/screenshots.
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
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

describe.skipIf(!chromiumInstalled())('the console admin pages in a browser', { timeout: 600_000 }, () => {
  // Before the admin app starts: it reads the built console once.
  ensureConsoleBuilt();
  const e2e = useAppleE2e({
    waitMs: WAIT_MS,
    admin: { secretReveal: { approvalRequired: true, minutes: 10 } },
  });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  let deviceId: string;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    deviceId = await e2e.enroll(mac);
    // FileVault with escrow, then SecurityInfo: the core decrypts the key the Mac sent into the vault.
    const policy = await e2e.api('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'filevault',
      settings: { diskEncryption: { required: true } },
    });
    expect(policy.status).toBe(201);
    const assigned = await e2e.api('POST', `/v1/policies/${policy.body.policyId as string}/assignments`, {
      platforms: ['macOS'],
    });
    expect(assigned.status).toBe(201);
    await eventually(async () => (mac.state.fileVault.enabled ? true : undefined), WAIT_MS);
    expect(
      (await e2e.api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'SecurityInfo' })).status,
    ).toBe(202);
    await eventually(async () => {
      const secrets = await e2e.api('GET', `/v1/devices/${deviceId}/secrets`);
      return (secrets.body.items as { kind: string }[]).some((s) => s.kind === 'filevault-prk')
        ? true
        : undefined;
    }, WAIT_MS);
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    mac.close();
  });

  it('reveals a key once to the admin who asked after a second admin approves, and not before', async () => {
    const recoveryKey = mac.state.fileVault.personalRecoveryKey!;
    const asker = await newConsolePage(browser, STEP_MS);
    await signInWithBootstrapToken(asker, e2e);
    await asker.goto(`${e2e.adminUrl()}/console/devices/${deviceId}`);
    await asker.getByRole('cell', { name: 'filevault-prk' }).waitFor();
    await asker.getByLabel('Reason to see the filevault-prk').fill('user forgot the password');
    await asker.getByRole('button', { name: 'Request reveal' }).click();
    await asker.getByRole('status').filter({ hasText: 'another admin must approve' }).waitFor();

    // Alone, the admin who asked can neither approve nor see it.
    await asker.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Escrow' }).click();
    const askersRow = asker.getByRole('row').filter({ hasText: 'user forgot the password' });
    await askersRow.getByText('Another admin must approve.').waitFor();
    expect(await askersRow.getByRole('button').count()).toBe(0);
    await asker.screenshot({ path: `${SCREENSHOTS}escrow.png`, fullPage: true });
    const alone = await asker.evaluate(async () => {
      const session = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const list = (await (await fetch('/v1/secret-reveal-requests')).json()) as { items: { id: string }[] };
      const post = (step: string) =>
        fetch(`/v1/secret-reveal-requests/${list.items[0]!.id}/${step}`, {
          method: 'POST',
          headers: { 'x-csrf-token': session.csrfToken },
        }).then(async (r) => ({ status: r.status, error: ((await r.json()) as { error: string }).error }));
      return { approve: await post('approve'), reveal: await post('reveal') };
    });
    expect(alone.approve).toEqual({
      status: 409,
      error: 'id: an admin cannot approve their own reveal request',
    });
    expect(alone.reveal).toEqual({ status: 409, error: 'id: the request is awaiting-approval' });

    // A second admin, in another browser context, approves; they get no way to see the key themselves.
    const approver = await newConsolePage(browser, STEP_MS);
    await signInAsDirectoryUser(approver, e2e, { username: 'second-admin', role: 'admin' });
    await approver.goto(`${e2e.adminUrl()}/console/escrow`);
    const approversRow = approver.getByRole('row').filter({ hasText: 'user forgot the password' });
    await approversRow.getByRole('button', { name: 'Approve' }).click();
    await approversRow.getByRole('status').filter({ hasText: 'Approved.' }).waitFor();
    await approversRow.getByText('approved', { exact: true }).waitFor();
    expect(await approversRow.getByRole('button', { name: 'Reveal once' }).count()).toBe(0);

    // The admin who asked sees it once, with a countdown, then it is gone and cannot come back.
    await askersRow.getByRole('button', { name: 'Reveal once' }).click({ timeout: WAIT_MS });
    const shown = asker.getByTestId('revealed-secret');
    await expect.poll(() => shown.textContent(), { timeout: STEP_MS }).toBe(recoveryKey);
    await asker.getByText(/Hidden in \d+ s/).waitFor();
    await asker.screenshot({ path: `${SCREENSHOTS}escrow-revealed.png`, fullPage: true });
    await asker.getByRole('button', { name: 'Hide now' }).click();
    expect(await shown.count()).toBe(0);
    await asker.reload();
    await askersRow.getByText('revealed', { exact: true }).waitFor();
    expect(await askersRow.getByRole('button').count()).toBe(0);
    expect(await asker.content()).not.toContain(recoveryKey);

    expect(asker.violations).toEqual([]);
    expect(approver.violations).toEqual([]);
    await asker.context().close();
    await approver.context().close();
  });

  it('shows a help-desk admin what is escrowed, but no reveal, no escrow page and no settings', async () => {
    const page = await newConsolePage(browser, STEP_MS);
    await signInAsDirectoryUser(page, e2e, { username: 'helpdesk', role: 'helpdesk' });
    await page.goto(`${e2e.adminUrl()}/console/devices/${deviceId}`);
    await page.getByRole('cell', { name: 'filevault-prk' }).waitFor();
    expect(await page.getByRole('button', { name: 'Request reveal' }).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Overview',
      'Devices',
      'Policies',
      'Rollouts',
    ]);
    expect(page.violations).toEqual([]);
    await page.context().close();
  });

  it('shows the push certificate and its expiry, creates a team and an API token shown once, and revokes it', async () => {
    const page = await newConsolePage(browser, STEP_MS);
    await signInWithBootstrapToken(page, e2e);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    const pushed = await e2e.api('GET', '/v1/push-certificate');
    const push = page.getByRole('region', { name: 'Push certificate' });
    await push.getByText(pushed.body.topic as string).waitFor();
    expect(await push.getByTestId('push-warning').textContent()).toContain(
      `${pushed.body.daysLeft as number} days left`,
    );
    await page.getByRole('region', { name: 'Certificates expiring within 30 days' }).waitFor();

    await page.getByLabel('New team').fill('field-sales');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('listitem').filter({ hasText: 'field-sales' }).waitFor();

    await page.getByLabel('Token name').fill('ci-deploy');
    await page.getByLabel('Token role').selectOption('auditor');
    await page.getByLabel('Token team').selectOption({ label: 'field-sales' });
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('new-token');
    const token = (await shown.textContent())!;
    const asToken = () =>
      fetch(`${e2e.adminUrl()}/v1/devices`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await asToken()).toBe(200);
    await page.screenshot({ path: `${SCREENSHOTS}settings.png`, fullPage: true });
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await shown.count()).toBe(0);
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'ci-deploy' });
    await row.getByRole('cell', { name: 'field-sales' }).waitFor();
    expect(await page.content()).not.toContain(token);

    await row.getByRole('button', { name: 'Revoke ci-deploy' }).click();
    await row.getByText(/^revoked/).waitFor();
    expect(await asToken()).toBe(401);
    expect(page.violations).toEqual([]);
    await page.context().close();
  });
});
