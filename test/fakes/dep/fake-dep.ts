// A local Apple Business Manager (Device Assignment) service: OAuth1 sessions, devices, cursors, profiles, and
// Apple's error answers on cue. https://developer.apple.com/documentation/devicemanagement/device-assignment
import http from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  hmacSha1Signature,
  parseAuthorizationHeader,
  signatureBaseString,
} from '../../../core/apple/dep/index.js';
import type { DepDevice, DepProfile, ServerToken } from '../../../core/apple/dep/index.js';

export interface RecordedDepRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/**
 * Where a cursor stands in both listings: a fetch walks the devices in serial order, a sync walks
 * the change log from the moment the fetch began (so nothing assigned meanwhile is missed).
 */
interface CursorState {
  fetchPosition: number;
  syncPosition: number;
  expired: boolean;
}

type Answer = { status: number; json?: unknown; text?: string; headers?: Record<string, string> };

const MAX_LIMIT = 1000;
const MAX_BODY = 1024 * 1024;
/** Apple allows a little clock skew on oauth_timestamp. */
const TIMESTAMP_WINDOW_S = 300;

export function createFakeDep(token: ServerToken) {
  const devices = new Map<string, DepDevice>();
  const changes: DepDevice[] = [];
  const cursors = new Map<string, CursorState>();
  const profiles = new Map<string, DepProfile>();
  const sessions = new Set<string>();
  const nonces = new Set<string>();
  const requests: RecordedDepRequest[] = [];
  const failures: { status: 429 | 500 | 503; remaining: number; retryAfter: string | undefined }[] = [];
  let expiredSessionStatus: 401 | 403 = 401;
  let termsSigned = true;
  let repeatSyncCursor = false;
  let rotateNextSession = false;

  function log(device: DepDevice, op: 'added' | 'modified' | 'deleted') {
    changes.push({ ...device, op_type: op, op_date: new Date().toISOString() });
  }

  function newCursor(fetchPosition: number, syncPosition: number): string {
    const cursor = randomUUID();
    cursors.set(cursor, { fetchPosition, syncPosition, expired: false });
    return cursor;
  }

  function session(header: string | undefined): Answer {
    const params = header ? parseAuthorizationHeader(header) : undefined;
    if (!params) return { status: 400, text: 'oauth_problem_adviced' };
    const timestamp = Number(params.get('oauth_timestamp'));
    const nonce = params.get('oauth_nonce') ?? '';
    const signed = [...params].filter(([name]) => name !== 'realm' && name !== 'oauth_signature');
    const expected = hmacSha1Signature(
      signatureBaseString('GET', `${base}/session`, signed),
      token.consumerSecret,
      token.tokenSecret,
    );
    const given = Buffer.from(params.get('oauth_signature') ?? '');
    const valid =
      params.get('oauth_consumer_key') === token.consumerKey &&
      params.get('oauth_token') === token.token &&
      params.get('oauth_signature_method') === 'HMAC-SHA1' &&
      Math.abs(timestamp - Date.now() / 1000) <= TIMESTAMP_WINDOW_S &&
      nonce !== '' &&
      !nonces.has(nonce) &&
      given.length === Buffer.byteLength(expected) &&
      timingSafeEqual(given, Buffer.from(expected));
    if (!valid) return { status: 401, text: 'token_rejected' };
    nonces.add(nonce);
    if (token.accessTokenExpiry.getTime() <= Date.now()) return { status: 401, text: 'token_expired' };
    if (!termsSigned) return { status: 403, text: 'T_C_NOT_SIGNED' };
    const id = `session-${randomUUID()}`;
    sessions.add(id);
    return { status: 200, json: { auth_session_token: id } };
  }

  function listPage(cursor: string | undefined, limit: number, kind: 'fetch' | 'sync'): Answer {
    let state: CursorState = { fetchPosition: 0, syncPosition: changes.length, expired: false };
    if (cursor !== undefined) {
      const known = cursors.get(cursor);
      if (!known) return { status: 400, text: 'INVALID_CURSOR' };
      if (known.expired) return { status: 400, text: 'EXPIRED_CURSOR' };
      state = known;
    } else if (kind === 'sync') {
      return { status: 400, text: 'CURSOR_REQUIRED' };
    }
    const position = kind === 'fetch' ? state.fetchPosition : state.syncPosition;
    const source =
      kind === 'fetch' ? [...devices.keys()].sort().map((serial) => devices.get(serial)!) : changes;
    const slice = source.slice(position, position + limit);
    const next = position + slice.length;
    const more = next < source.length;
    if (kind === 'sync' && repeatSyncCursor && cursor !== undefined && slice.length === 0) {
      // A misbehaving answer: the same cursor, nothing new, yet "more to follow".
      return {
        status: 200,
        json: { devices: [], cursor, more_to_follow: true, fetched_until: new Date().toISOString() },
      };
    }
    const nextCursor =
      kind === 'fetch' ? newCursor(next, state.syncPosition) : newCursor(Number.MAX_SAFE_INTEGER, next);
    return {
      status: 200,
      json: {
        devices: slice,
        cursor: nextCursor,
        more_to_follow: more,
        fetched_until: new Date().toISOString(),
      },
    };
  }

  function assign(profileUuid: string, serials: string[]): Record<string, string> {
    const outcomes: Record<string, string> = {};
    for (const serial of serials) {
      const device = devices.get(serial);
      if (!device) {
        outcomes[serial] = 'NOT_ACCESSIBLE';
        continue;
      }
      const updated = {
        ...device,
        profile_uuid: profileUuid,
        profile_status: 'assigned',
        profile_assign_time: new Date().toISOString(),
      };
      devices.set(serial, updated);
      log(updated, 'modified');
      outcomes[serial] = 'SUCCESS';
    }
    return outcomes;
  }

  function route(method: string, path: string, body: Record<string, unknown>): Answer {
    const limit = body['limit'] === undefined ? 100 : Number(body['limit']);
    const cursor = typeof body['cursor'] === 'string' ? body['cursor'] : undefined;
    const serials = Array.isArray(body['devices'])
      ? body['devices'].filter((s): s is string => typeof s === 'string')
      : undefined;
    switch (`${method} ${path}`) {
      case 'GET /account':
        return {
          status: 200,
          json: {
            server_name: 'Keep test server',
            server_uuid: 'b5d3f0e6-0000-4000-8000-000000000001',
            org_name: 'Example Corp',
            org_email: 'it@example.com',
            admin_id: 'admin@example.com',
          },
        };
      case 'POST /server/devices':
      case 'POST /devices/sync':
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
          return { status: 400, text: 'INVALID_LIMIT' };
        return listPage(cursor, limit, path === '/server/devices' ? 'fetch' : 'sync');
      case 'POST /profile': {
        if (typeof body['profile_name'] !== 'string' || !body['profile_name'])
          return { status: 400, text: 'CONFIG_NAME_REQUIRED' };
        if (typeof body['url'] !== 'string' || !body['url'])
          return { status: 400, text: 'CONFIG_URL_REQUIRED' };
        const uuid = randomUUID().replace(/-/g, '').toUpperCase();
        profiles.set(uuid, body as unknown as DepProfile);
        return { status: 200, json: { profile_uuid: uuid, devices: assign(uuid, serials ?? []) } };
      }
      case 'PUT /profile/devices': {
        const uuid = body['profile_uuid'];
        if (typeof uuid !== 'string' || !profiles.has(uuid))
          return { status: 400, text: 'PROFILE_NOT_FOUND' };
        if (!serials?.length) return { status: 400, text: 'DEVICE_ID_REQUIRED' };
        if (serials.length > MAX_LIMIT) return { status: 400, text: 'DEVICE_ID_LIMIT_EXCEEDED' };
        return { status: 200, json: { profile_uuid: uuid, devices: assign(uuid, serials) } };
      }
      case 'POST /devices/disown': {
        if (!serials?.length) return { status: 400, text: 'DEVICE_ID_REQUIRED' };
        if (serials.length > MAX_LIMIT) return { status: 400, text: 'DEVICE_ID_LIMIT_EXCEEDED' };
        const outcomes: Record<string, string> = {};
        for (const serial of serials) {
          const device = devices.get(serial);
          outcomes[serial] = device ? 'SUCCESS' : 'NOT_ACCESSIBLE';
          if (device) {
            devices.delete(serial);
            log(device, 'deleted');
          }
        }
        return { status: 200, json: { devices: outcomes } };
      }
      default:
        return { status: 404, text: 'NOT_FOUND' };
    }
  }

  function answer(req: http.IncomingMessage, raw: string): Answer {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const failure = failures.find((f) => f.remaining > 0);
    if (failure) {
      failure.remaining--;
      return {
        status: failure.status,
        text: failure.status === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE',
        headers: failure.retryAfter === undefined ? {} : { 'Retry-After': failure.retryAfter },
      };
    }
    if (method === 'GET' && path === '/session') return session(req.headers.authorization);
    if (req.headers['x-server-protocol-version'] === undefined)
      return { status: 400, text: 'INVALID_VERSION' };
    const id = req.headers['x-adm-auth-session'];
    if (typeof id !== 'string' || !sessions.has(id)) {
      return expiredSessionStatus === 401
        ? { status: 401, text: 'UNAUTHORIZED' }
        : { status: 403, text: 'FORBIDDEN' };
    }
    if (!termsSigned) return { status: 403, text: 'T_C_NOT_SIGNED' };
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return { status: 400, text: 'MALFORMED_REQUEST_BODY' };
      }
    }
    const result = route(method, path, body);
    if (result.status === 200 && rotateNextSession) {
      rotateNextSession = false;
      sessions.delete(id);
      const rotated = `session-${randomUUID()}`;
      sessions.add(rotated);
      result.headers = { ...result.headers, 'X-ADM-Auth-Session': rotated };
    }
    return result;
  }

  let base = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const result = size > MAX_BODY ? { status: 413, text: 'REQUEST_TOO_LARGE' } : answer(req, raw);
      let parsed: unknown;
      try {
        parsed = raw ? JSON.parse(raw) : undefined;
      } catch {
        parsed = raw;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', status: result.status, body: parsed });
      const json = result.json !== undefined;
      res.writeHead(result.status, {
        'Content-Type': json ? 'application/json;charset=UTF8' : 'text/plain;charset=UTF8',
        ...result.headers,
      });
      res.end(json ? JSON.stringify(result.json) : (result.text ?? ''));
    });
  });

  return {
    /** Every request seen, in arrival order (bodies included; the fake holds no real secrets). */
    requests,
    profiles,
    /** Assigns devices to this server, as an admin does in ABM; they show up in fetch and sync. */
    addDevices(...added: DepDevice[]) {
      for (const device of added) {
        devices.set(device.serial_number, device);
        log(device, 'added');
      }
    },
    device(serial: string): DepDevice | undefined {
      return devices.get(serial);
    },
    /** Every cursor handed out so far now answers EXPIRED_CURSOR (Apple's are good for 7 days). */
    expireCursors() {
      for (const state of cursors.values()) state.expired = true;
    },
    /** Forget every session; the next call answers 401 UNAUTHORIZED, or 403 FORBIDDEN if asked. */
    expireSessions(status: 401 | 403 = 401) {
      sessions.clear();
      expiredSessionStatus = status;
    },
    /** Hand out a new X-ADM-Auth-Session on the next successful answer and drop the old one. */
    rotateSessionOnNextAnswer() {
      rotateNextSession = true;
    },
    /** Answer 403 T_C_NOT_SIGNED until signed again, as when ABM's terms change. */
    setTermsSigned(signed: boolean) {
      termsSigned = signed;
    },
    /** A sync with nothing new returns the cursor it was given and `more_to_follow: true`. */
    setRepeatSyncCursor(repeat: boolean) {
      repeatSyncCursor = repeat;
    },
    /** Answer `status` to the next `times` requests, with this Retry-After if given. */
    failNext(status: 429 | 500 | 503, times: number, retryAfter?: string) {
      failures.push({ status, remaining: times, retryAfter });
    },
    get sessionsIssued() {
      return requests.filter((r) => r.path === '/session' && r.status === 200).length;
    },

    async start(): Promise<{ url: string; close(): Promise<void> }> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      base = `http://127.0.0.1:${port}`;
      return {
        url: base,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  };
}

export type FakeDep = ReturnType<typeof createFakeDep>;
