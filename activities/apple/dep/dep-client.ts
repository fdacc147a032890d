// The Apple Business Manager (Device Assignment, "DEP") HTTP client: OAuth1 session, retries, cursors.
// https://developer.apple.com/documentation/devicemanagement/device-assignment
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import {
  DepError,
  accountSchema,
  appleErrorCode,
  assignProfileSchema,
  authorizationHeader,
  classifyFailure,
  defineProfileSchema,
  devicePageSchema,
  disownSchema,
  sessionSchema,
} from '../../../core/apple/dep/index.js';
import type {
  DepAccount,
  DepDevice,
  DepDeviceOutcome,
  DepFailure,
  DepProfile,
  ServerToken,
} from '../../../core/apple/dep/index.js';

export const APPLE_DEP_URL = 'https://mdmenrollment.apple.com';
/** The version whose answers the schemas in core/apple/dep describe. */
const PROTOCOL_VERSION = '3';
/** Apple's ceiling for `limit` and its advice for serials per profile or disown request. */
const APPLE_MAX_BATCH = 1000;

export interface DepRetryOptions {
  /** Tries per request, the first included. */
  maxAttempts: number;
  /** Longest Apple may make us wait in-process; a longer Retry-After fails `throttled` for the caller to schedule. */
  maxWaitMs: number;
  /** Wait before the second try when Apple gave no Retry-After; doubles per try. */
  baseDelayMs: number;
}

export interface DepClientOptions {
  token: ServerToken;
  baseUrl?: string;
  retry?: Partial<DepRetryOptions>;
  /** Devices per fetch or sync page (Apple's `limit`, at most 1000). */
  pageSize?: number;
  /** Serials per assign or disown request (at most 1000). */
  batchSize?: number;
  requestTimeoutMs?: number;
  now?: () => Date;
}

export interface DevicePage {
  /** `fetch` pages list every device; after a restart they replace what a sync would have said. */
  source: 'fetch' | 'sync';
  /** True when Apple refused the cursor (expired or invalid) and the listing began again with a fetch. */
  restarted: boolean;
  devices: DepDevice[];
  /** Save it: the next sync starts here. */
  cursor: string;
  moreToFollow: boolean;
  fetchedUntil: string | undefined;
}

export interface PageOptions {
  /** Stop after this many pages; call again with the last page's cursor to go on. */
  maxPages?: number;
}

export type DeviceOutcomes = Record<string, DepDeviceOutcome>;

const DEFAULT_RETRY: DepRetryOptions = { maxAttempts: 4, maxWaitMs: 60_000, baseDelayMs: 1_000 };

export function createDepClient(options: DepClientOptions) {
  const baseUrl = (options.baseUrl ?? APPLE_DEP_URL).replace(/\/+$/, '');
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const pageSize = Math.min(options.pageSize ?? APPLE_MAX_BATCH, APPLE_MAX_BATCH);
  const batchSize = Math.min(options.batchSize ?? APPLE_MAX_BATCH, APPLE_MAX_BATCH);
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  let session: Promise<string> | undefined;

  /** One HTTP exchange with Apple's retry advice honoured; returns any answer that is not 429/503. */
  async function exchange(
    method: string,
    path: string,
    headers: () => Record<string, string>,
    body?: unknown,
  ): Promise<{ response: Response; text: string }> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            'X-Server-Protocol-Version': PROTOCOL_VERSION,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json;charset=UTF8' }),
            ...headers(),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new DepError('unavailable', `Apple Business Manager did not answer ${method} ${path}`, {
          cause: error,
        });
      }
      const text = await response.text();
      if (response.ok) return { response, text };
      const failure = classifyFailure(
        response.status,
        appleErrorCode(text),
        response.headers.get('retry-after'),
        now(),
      );
      if (failure.kind !== 'retry') return { response, text };
      const waitMs = failure.afterMs ?? retry.baseDelayMs * 2 ** (attempt - 1);
      if (attempt >= retry.maxAttempts || waitMs > retry.maxWaitMs) {
        const code = failure.status === 429 ? 'throttled' : 'unavailable';
        throw new DepError(code, `Apple Business Manager answered ${failure.status} to ${method} ${path}`, {
          status: failure.status,
          retryAfterMs: waitMs,
        });
      }
      await sleep(waitMs);
    }
  }

  /** GET /session signed with the server token's OAuth1 credentials. */
  async function authenticate(): Promise<string> {
    if (options.token.accessTokenExpiry.getTime() <= now().getTime()) {
      throw new DepError(
        'token-expired',
        'the ABM server token has expired; download a new one from Apple Business Manager',
      );
    }
    const url = `${baseUrl}/session`;
    const { response, text } = await exchange('GET', '/session', () => ({
      Authorization: authorizationHeader(
        'GET',
        url,
        options.token,
        { timestamp: Math.floor(now().getTime() / 1000), nonce: randomBytes(16).toString('hex') },
        'ADM',
      ),
    }));
    if (!response.ok) {
      const appleCode = appleErrorCode(text);
      if (appleCode === 'T_C_NOT_SIGNED') {
        throw new DepError(
          'terms-not-signed',
          'Apple Business Manager terms must be accepted by an ABM administrator',
          {
            status: response.status,
            appleCode,
          },
        );
      }
      const code = response.status === 401 || response.status === 403 ? 'token-rejected' : 'bad-request';
      throw new DepError(code, `Apple refused the server token (${response.status})`, {
        status: response.status,
        appleCode,
      });
    }
    return parse(sessionSchema, text, '/session').auth_session_token;
  }

  /** The current session, authenticating once for every caller waiting on it. */
  function currentSession(): Promise<string> {
    session ??= authenticate().catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return session;
  }

  /** An authenticated call; a session Apple refuses is renewed once, then the call fails. */
  async function call<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    for (let renewed = false; ; renewed = true) {
      const used = currentSession();
      const token = await used;
      const { response, text } = await exchange(method, path, () => ({ 'X-ADM-Auth-Session': token }), body);
      // Apple may hand out a fresh session token on any answer; later calls must use it.
      const rotated = response.headers.get('x-adm-auth-session');
      if (rotated && session === used) session = Promise.resolve(rotated);
      if (response.ok) return parse(schema, text, path);
      const appleCode = appleErrorCode(text);
      const failure: DepFailure = classifyFailure(response.status, appleCode, null, now());
      const context = { status: response.status, appleCode };
      switch (failure.kind) {
        case 'renew-session':
          if (renewed)
            throw new DepError('session-rejected', `Apple refused a new session for ${path}`, context);
          if (session === used) session = undefined;
          continue;
        case 'cursor-expired':
          throw new DepError('cursor-expired', `Apple says the cursor for ${path} has expired`, context);
        case 'cursor-invalid':
          throw new DepError('cursor-invalid', `Apple does not know the cursor for ${path}`, context);
        case 'terms-not-signed':
          throw new DepError(
            'terms-not-signed',
            'Apple Business Manager terms must be accepted by an ABM administrator',
            context,
          );
        case 'retry': // exchange() has already spent the retries
        case 'fail':
          throw new DepError(
            response.status >= 500 ? 'unavailable' : 'bad-request',
            `Apple answered ${response.status}${appleCode ? ` ${appleCode}` : ''} to ${method} ${path}`,
            context,
          );
      }
    }
  }

  /**
   * Pages of fetch or sync. A refused cursor restarts once with a fetch from the beginning; a page
   * that hands back the cursor it was given with nothing new ends the listing, whatever
   * `more_to_follow` says, so a confused answer cannot spin the caller.
   */
  async function* pages(
    source: 'fetch' | 'sync',
    start: string | undefined,
    limits: PageOptions,
  ): AsyncGenerator<DevicePage> {
    let current = source;
    let cursor = start;
    let restarted = false;
    for (let count = 0; count < (limits.maxPages ?? Infinity);) {
      let page: z.infer<typeof devicePageSchema>;
      try {
        const path = current === 'sync' ? '/devices/sync' : '/server/devices';
        page = await call('POST', path, devicePageSchema, { limit: pageSize, ...(cursor ? { cursor } : {}) });
      } catch (error) {
        const refused =
          error instanceof DepError && (error.code === 'cursor-expired' || error.code === 'cursor-invalid');
        if (!refused || restarted || cursor === undefined) throw error;
        restarted = true;
        current = 'fetch';
        cursor = undefined;
        continue;
      }
      count++;
      yield {
        source: current,
        restarted,
        devices: page.devices,
        cursor: page.cursor,
        moreToFollow: page.more_to_follow,
        fetchedUntil: page.fetched_until,
      };
      if (!page.more_to_follow || (page.cursor === cursor && page.devices.length === 0)) return;
      cursor = page.cursor;
    }
  }

  /** Runs one request per batch of serials and merges Apple's per-serial outcomes. */
  async function inBatches(serials: readonly string[], send: (batch: string[]) => Promise<DeviceOutcomes>) {
    const outcomes: DeviceOutcomes = {};
    for (let i = 0; i < serials.length; i += batchSize) {
      Object.assign(outcomes, await send(serials.slice(i, i + batchSize)));
    }
    return outcomes;
  }

  return {
    /** https://developer.apple.com/documentation/devicemanagement/get-account-detail */
    account(): Promise<DepAccount> {
      return call('GET', '/account', accountSchema);
    },

    /** Every device assigned to this server, from the start or from a fetch cursor. */
    fetchDevices(cursor?: string, limits: PageOptions = {}): AsyncGenerator<DevicePage> {
      return pages('fetch', cursor, limits);
    },

    /** Changes since `cursor` (from a fetch or an earlier sync); an expired cursor restarts with a fetch. */
    syncDevices(cursor: string, limits: PageOptions = {}): AsyncGenerator<DevicePage> {
      return pages('sync', cursor, limits);
    },

    /** https://developer.apple.com/documentation/devicemanagement/define-a-profile */
    async defineProfile(profile: DepProfile): Promise<{ profileUuid: string; devices: DeviceOutcomes }> {
      const answer = await call('POST', '/profile', defineProfileSchema, profile);
      return { profileUuid: answer.profile_uuid, devices: answer.devices };
    },

    /** https://developer.apple.com/documentation/devicemanagement/assign-profile */
    assignProfile(profileUuid: string, serials: readonly string[]): Promise<DeviceOutcomes> {
      return inBatches(serials, async (devices) => {
        const answer = await call('PUT', '/profile/devices', assignProfileSchema, {
          profile_uuid: profileUuid,
          devices,
        });
        return answer.devices;
      });
    },

    /** https://developer.apple.com/documentation/devicemanagement/disown-devices */
    disown(serials: readonly string[]): Promise<DeviceOutcomes> {
      return inBatches(
        serials,
        async (devices) => (await call('POST', '/devices/disown', disownSchema, { devices })).devices,
      );
    },
  };
}

export type DepClient = ReturnType<typeof createDepClient>;

function parse<T extends z.ZodType>(schema: T, text: string, path: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DepError('bad-response', `Apple's answer to ${path} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'body';
    throw new DepError('bad-response', `Apple's answer to ${path} has an invalid ${field}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
