// Pages of the console in a real browser for the e2e tests: a fresh context per page, Content-Security-Policy
// violations collected, sign-in with the bootstrap token, and a session as a directory user with a given role.
import type { Browser, Page } from 'playwright-core';
import { createSession } from '../../admin/auth/session.repository.js';
import type { AppleE2e } from './apple-e2e.js';

/** A page whose CSP violations are collected: the test fails on any. */
export interface ConsolePage extends Page {
  violations: string[];
}

export async function newConsolePage(browser: Browser, stepMs: number): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(stepMs);
  const page = (await context.newPage()) as ConsolePage;
  page.violations = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) page.violations.push(message.text());
  });
  return page;
}

export async function signInWithBootstrapToken(page: Page, e2e: AppleE2e): Promise<void> {
  await page.goto(`${e2e.adminUrl()}/console/`);
  await page.getByLabel('Bootstrap token').fill(e2e.bootstrapToken);
  await page.getByRole('button', { name: 'Sign in with the bootstrap token' }).click();
  await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
}

/**
 * Signs the page in as a directory user holding `role`: the session an OIDC sign-in with that role claim opens
 * (that sign-in has its own tests). Answers the session's CSRF token, for requests a test forges.
 */
export async function signInAsDirectoryUser(
  page: Page,
  e2e: AppleE2e,
  user: { username: string; role: string },
): Promise<{ csrfToken: string }> {
  const db = e2e.planes.database.core.db;
  const row = await db
    .insertInto('directory_users')
    .values({
      source: 'oidc',
      external_id: `https://idp.example#${user.username}`,
      username: user.username,
      email: null,
      display_name: user.username,
      department: null,
      attributes: JSON.stringify({}),
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const session = await createSession(db, {
    userId: row.id,
    claimRoles: [user.role],
    now: new Date(),
    maxAgeMs: 3_600_000,
  });
  await page.context().addCookies([{ name: 'keep_session', value: session.id, url: e2e.adminUrl() }]);
  return { csrfToken: session.csrfToken };
}
