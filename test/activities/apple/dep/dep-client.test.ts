import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDepClient } from '../../../../activities/apple/dep/dep-client.js';
import type { DepClientOptions, DevicePage } from '../../../../activities/apple/dep/dep-client.js';
import { DepError } from '../../../../core/apple/dep/index.js';
import type { DepDevice } from '../../../../core/apple/dep/index.js';
import { createFakeDep } from '../../../fakes/dep/fake-dep.js';
import type { FakeDep } from '../../../fakes/dep/fake-dep.js';
import { testServerToken } from '../../../fakes/dep/server-token-file.js';

const token = testServerToken();
let fake: FakeDep;
let running: { url: string; close(): Promise<void> };

beforeEach(async () => {
  fake = createFakeDep(token);
  running = await fake.start();
});
afterEach(() => running.close());

function client(options: Partial<DepClientOptions> = {}) {
  return createDepClient({
    token,
    baseUrl: running.url,
    retry: { maxAttempts: 3, maxWaitMs: 50, baseDelayMs: 1 },
    ...options,
  });
}

function devices(...serials: string[]): DepDevice[] {
  return serials.map((serial_number) => ({
    serial_number,
    model: 'MacBook Air',
    os: 'OSX',
    device_family: 'Mac',
  }));
}

async function collect(pages: AsyncIterable<DevicePage>): Promise<DevicePage[]> {
  const all: DevicePage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

async function failure(promise: Promise<unknown>): Promise<DepError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DepError) return error;
    throw error;
  }
  throw new Error('expected a DepError');
}

const paths = () => fake.requests.map((r) => `${r.status} ${r.path}`);

describe('DEP client session', () => {
  it('opens an OAuth1-signed session and reads the account with it', async () => {
    const account = await client().account();
    expect(account.org_name).toBe('Example Corp');
    expect(paths()).toEqual(['200 /session', '200 /account']);
  });

  it('re-authenticates once when Apple answers 401 UNAUTHORIZED', async () => {
    const dep = client();
    await dep.account();
    fake.expireSessions(401);
    await dep.account();
    expect(paths()).toEqual(['200 /session', '200 /account', '401 /account', '200 /session', '200 /account']);
  });

  it('re-authenticates when Apple answers 403 FORBIDDEN for an unknown session', async () => {
    const dep = client();
    await dep.account();
    fake.expireSessions(403);
    await dep.account();
    expect(fake.sessionsIssued).toBe(2);
  });

  it('does not renew the session for 403 T_C_NOT_SIGNED', async () => {
    const dep = client();
    await dep.account();
    fake.setTermsSigned(false);
    const error = await failure(dep.account());
    expect(error.code).toBe('terms-not-signed');
    expect(fake.sessionsIssued).toBe(1);
  });

  it('follows a session token Apple rotates in X-ADM-Auth-Session', async () => {
    const dep = client();
    fake.rotateSessionOnNextAnswer();
    await dep.account();
    await dep.account();
    expect(paths()).toEqual(['200 /session', '200 /account', '200 /account']);
  });

  it('reports a rejected server token without retrying it', async () => {
    const dep = client({ token: { ...token, tokenSecret: 'wrong' } });
    const error = await failure(dep.account());
    expect(error.code).toBe('token-rejected');
    expect(error.message).not.toContain('wrong');
    expect(paths()).toEqual(['401 /session']);
  });

  it('refuses an expired server token before calling Apple', async () => {
    const error = await failure(
      client({ token: { ...token, accessTokenExpiry: new Date(Date.now() - 1000) } }).account(),
    );
    expect(error.code).toBe('token-expired');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('DEP client retry advice', () => {
  it('waits out 429 and 503 with Retry-After, then succeeds', async () => {
    fake.failNext(429, 1, '0');
    fake.failNext(503, 1, '0');
    await client().account();
    expect(paths()).toEqual(['429 /session', '503 /session', '200 /session', '200 /account']);
  });

  it('fails throttled, with Apple’s delay, when Retry-After is longer than it may wait', async () => {
    const dep = client();
    await dep.account();
    fake.failNext(429, 1, '120');
    const error = await failure(dep.account());
    expect(error).toMatchObject({ code: 'throttled', retryAfterMs: 120_000, retryable: true });
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after the last attempt', async () => {
    fake.failNext(503, 5);
    const error = await failure(client().account());
    expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    expect(fake.requests).toHaveLength(3);
  });
});

describe('DEP client devices', () => {
  it('fetches every device in pages, then syncs only what changed since', async () => {
    fake.addDevices(...devices('C01', 'C02', 'C03', 'C04', 'C05'));
    const dep = client({ pageSize: 2 });
    const fetched = await collect(dep.fetchDevices());
    expect(fetched.map((p) => p.devices.map((d) => d.serial_number))).toEqual([
      ['C01', 'C02'],
      ['C03', 'C04'],
      ['C05'],
    ]);
    expect(fetched.at(-1)!.moreToFollow).toBe(false);

    fake.addDevices(...devices('C06'));
    const synced = await collect(dep.syncDevices(fetched.at(-1)!.cursor));
    expect(synced.flatMap((p) => p.devices.map((d) => [d.serial_number, d.op_type]))).toEqual([
      ['C06', 'added'],
    ]);
    expect(synced[0]).toMatchObject({ source: 'sync', restarted: false });
  });

  it('restarts with a full fetch when the sync cursor has expired', async () => {
    fake.addDevices(...devices('C01', 'C02', 'C03'));
    const dep = client({ pageSize: 2 });
    const cursor = (await collect(dep.fetchDevices())).at(-1)!.cursor;
    fake.expireCursors();
    const pages = await collect(dep.syncDevices(cursor));
    expect(pages.map((p) => [p.source, p.restarted, p.devices.length])).toEqual([
      ['fetch', true, 2],
      ['fetch', true, 1],
    ]);
    expect(paths().filter((p) => p.includes('/devices/sync'))).toEqual(['400 /devices/sync']);
  });

  it('restarts once, not in a loop, when every cursor keeps expiring', async () => {
    fake.addDevices(...devices('C01', 'C02', 'C03'));
    const dep = client({ pageSize: 2 });
    const cursor = (await collect(dep.fetchDevices())).at(-1)!.cursor;
    const before = fake.requests.length;
    fake.expireCursors();
    const pages = dep.syncDevices(cursor);
    expect((await pages.next()).value).toMatchObject({ source: 'fetch', restarted: true });
    fake.expireCursors();
    const error = await failure(pages.next());
    expect(error.code).toBe('cursor-expired');
    expect(fake.requests.length - before).toBe(3);
  });

  it('stops when a sync hands back its own cursor with nothing new, whatever more_to_follow says', async () => {
    fake.addDevices(...devices('C01'));
    const dep = client();
    const cursor = (await collect(dep.fetchDevices())).at(-1)!.cursor;
    fake.setRepeatSyncCursor(true);
    const pages = await collect(dep.syncDevices(cursor));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ cursor, devices: [], moreToFollow: true });
    expect(paths().filter((p) => p.includes('/devices/sync'))).toHaveLength(1);
  });

  it('ends an unchanged sync after one page with a cursor for next time', async () => {
    fake.addDevices(...devices('C01'));
    const dep = client();
    const cursor = (await collect(dep.fetchDevices())).at(-1)!.cursor;
    const pages = await collect(dep.syncDevices(cursor));
    expect(pages).toEqual([expect.objectContaining({ devices: [], moreToFollow: false })]);
  });

  it('stops after maxPages so the caller can go on from the last cursor', async () => {
    fake.addDevices(...devices('C01', 'C02', 'C03', 'C04', 'C05'));
    const dep = client({ pageSize: 2 });
    const first = await collect(dep.fetchDevices(undefined, { maxPages: 1 }));
    expect(first).toHaveLength(1);
    const rest = await collect(dep.fetchDevices(first[0]!.cursor));
    expect(rest.flatMap((p) => p.devices.map((d) => d.serial_number))).toEqual(['C03', 'C04', 'C05']);
  });
});

describe('DEP client profiles and disown', () => {
  it('defines a profile and assigns it in batches, reporting each serial', async () => {
    fake.addDevices(...devices('C01', 'C02', 'C03', 'C04'));
    const dep = client({ batchSize: 2 });
    const { profileUuid } = await dep.defineProfile({
      profile_name: 'Corporate',
      url: 'https://mdm.example.com/enroll',
      is_mandatory: true,
      await_device_configured: true,
      skip_setup_items: ['Siri'],
      configuration_web_url: 'https://mdm.example.com/sign-in',
    });
    expect(fake.profiles.get(profileUuid)).toMatchObject({
      configuration_web_url: 'https://mdm.example.com/sign-in',
    });

    const outcomes = await dep.assignProfile(profileUuid, ['C01', 'C02', 'C03', 'C04', 'GONE']);
    expect(outcomes).toEqual({
      C01: 'SUCCESS',
      C02: 'SUCCESS',
      C03: 'SUCCESS',
      C04: 'SUCCESS',
      GONE: 'NOT_ACCESSIBLE',
    });
    expect(paths().filter((p) => p.endsWith('/profile/devices'))).toHaveLength(3);
    expect(fake.device('C03')?.profile_uuid).toBe(profileUuid);
  });

  it('names Apple’s code when a profile is refused', async () => {
    const error = await failure(client().defineProfile({ profile_name: 'No URL', url: '' }));
    expect(error).toMatchObject({ code: 'bad-request', appleCode: 'CONFIG_URL_REQUIRED', status: 400 });
  });

  it('disowns devices, and a sync reports them deleted', async () => {
    fake.addDevices(...devices('C01', 'C02'));
    const dep = client();
    const cursor = (await collect(dep.fetchDevices())).at(-1)!.cursor;
    expect(await dep.disown(['C02'])).toEqual({ C02: 'SUCCESS' });
    const pages = await collect(dep.syncDevices(cursor));
    expect(pages.flatMap((p) => p.devices.map((d) => [d.serial_number, d.op_type]))).toEqual([
      ['C02', 'deleted'],
    ]);
  });
});
