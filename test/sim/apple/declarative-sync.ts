// The device side of Declarative Device Management: fetch tokens, the manifest and declarations; report status.
// https://developer.apple.com/documentation/devicemanagement/declarative-management
import { installProfileBytes, removeProfile } from './command-responder.js';
import type { DeviceState } from './device-state.js';
import type { HttpResult } from './mdm-http.js';

export interface FetchedDeclaration {
  type: string;
  identifier: string;
  serverToken: string;
  payload: unknown;
}

export interface DeclarativeSync {
  declarationsToken?: string;
  declarations: FetchedDeclaration[];
}

/** Sends one DeclarativeManagement check-in; `data` becomes its Data. */
export type DeclarativeCheckIn = (endpoint: string, data?: Uint8Array) => Promise<HttpResult>;

/** GETs a URL the MDM server hosts, over the device's identity (a legacy declaration's ProfileURL). */
export type ServerFetch = (url: string) => Promise<HttpResult>;

const LEGACY = 'com.apple.configuration.legacy';

/** Manifest class → the path segment and status-report key for it. */
const CLASSES = {
  Activations: { path: 'activation', status: 'activations' },
  Assets: { path: 'asset', status: 'assets' },
  Configurations: { path: 'configuration', status: 'configurations' },
  Management: { path: 'management', status: 'management' },
} as const;

export async function syncDeclarations(
  state: DeviceState,
  checkIn: DeclarativeCheckIn,
  fetchFromServer: ServerFetch,
): Promise<DeclarativeSync> {
  const tokens = json(await checkIn('tokens'), 'tokens') as { SyncTokens?: { DeclarationsToken?: string } };
  const items = json(await checkIn('declaration-items'), 'declaration-items') as {
    Declarations?: Partial<Record<keyof typeof CLASSES, { Identifier: string; ServerToken: string }[]>>;
  };
  const declarations: FetchedDeclaration[] = [];
  for (const [name, { path }] of Object.entries(CLASSES)) {
    for (const item of items.Declarations?.[name as keyof typeof CLASSES] ?? []) {
      const document = json(
        await checkIn(`declaration/${path}/${encodeURIComponent(item.Identifier)}`),
        `declaration ${item.Identifier}`,
      ) as { Type: string; Identifier: string; ServerToken: string; Payload: unknown };
      declarations.push({
        type: document.Type,
        identifier: document.Identifier,
        serverToken: document.ServerToken,
        payload: document.Payload,
      });
    }
  }
  const sync = { declarationsToken: tokens.SyncTokens?.DeclarationsToken, declarations };
  await applyLegacyProfiles(state, declarations, fetchFromServer);
  await reportStatus(state, sync, checkIn);
  return sync;
}

/** A full status report on the declarations the device holds, as a device sends one after a change. */
export async function reportStatus(
  state: DeviceState,
  held: DeclarativeSync,
  checkIn: DeclarativeCheckIn,
): Promise<void> {
  const statuses: Record<string, unknown[]> = Object.fromEntries(
    Object.values(CLASSES).map(({ status }) => [status, []]),
  );
  for (const d of held.declarations) {
    const rejected =
      state.rejectedDeclarations?.get(d.identifier) ?? state.failedLegacyProfiles?.get(d.identifier);
    statuses[CLASSES[classOf(d.type)].status]!.push({
      identifier: d.identifier,
      'server-token': d.serverToken,
      active: rejected === undefined,
      valid: rejected === undefined ? 'valid' : 'invalid',
      ...(rejected !== undefined && {
        reasons: [{ Code: rejected, Description: `${d.identifier} rejected` }],
      }),
    });
  }
  const report = {
    FullReport: true,
    StatusItems: {
      device: {
        'operating-system': { version: state.osVersion, 'build-version': state.buildVersion },
        model: { identifier: state.productName, family: state.kind === 'mac' ? 'Mac' : 'iPhone' },
        'serial-number': state.serialNumber,
        UDID: state.udid,
      },
      management: { declarations: statuses },
    },
    Errors: [],
  };
  const sent = await checkIn('status', new TextEncoder().encode(JSON.stringify(report)));
  if (sent.status !== 200 && sent.status !== 204) throw new Error(`DDM status answered ${sent.status}`);
}

/**
 * Installs the profile each legacy declaration points at (fetched again on every sync: the simulator keeps no
 * cache), and removes the profiles of legacy declarations no longer in the set, as a device does.
 */
async function applyLegacyProfiles(
  state: DeviceState,
  declarations: FetchedDeclaration[],
  fetchFromServer: ServerFetch,
): Promise<void> {
  const failed = new Map<string, string>();
  const installed = new Set<string>();
  for (const d of declarations.filter((x) => x.type === LEGACY)) {
    const url = (d.payload as { ProfileURL?: unknown } | null)?.ProfileURL;
    if (typeof url !== 'string' || !url.startsWith('https://')) {
      failed.set(d.identifier, 'Error.ProfileURLInvalid');
      continue;
    }
    const fetched = await fetchFromServer(url);
    if (fetched.status !== 200) {
      failed.set(d.identifier, `Error.ProfileDownloadFailed.${fetched.status}`);
      continue;
    }
    const outcome = installProfileBytes(state, fetched.body);
    if (outcome.status !== 'Acknowledged') failed.set(d.identifier, 'Error.ProfileInstallFailed');
    else installed.add(d.identifier);
  }
  for (const identifier of state.declaredProfiles ?? [])
    if (!installed.has(identifier) && !failed.has(identifier)) removeProfile(state, identifier);
  state.declaredProfiles = installed;
  state.failedLegacyProfiles = failed;
}

/** `com.apple.configuration.passcode.settings` → Configurations, as the manifest lists it. */
function classOf(type: string): keyof typeof CLASSES {
  const kind = /^com\.apple\.(activation|asset|configuration|management)\./.exec(type)?.[1];
  switch (kind) {
    case 'activation':
      return 'Activations';
    case 'asset':
      return 'Assets';
    case 'configuration':
      return 'Configurations';
    case 'management':
      return 'Management';
    default:
      throw new Error(`declaration type ${type} has no manifest class`);
  }
}

function json(response: HttpResult, what: string): unknown {
  if (response.status !== 200) throw new Error(`DDM ${what} answered ${response.status}`);
  return JSON.parse(response.body.toString('utf8'));
}
