// The device side of Declarative Device Management: fetch tokens, the manifest and declarations; report status.
// https://developer.apple.com/documentation/devicemanagement/declarative-management
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
): Promise<DeclarativeSync> {
  const tokens = json(await checkIn('tokens'), 'tokens') as { SyncTokens?: { DeclarationsToken?: string } };
  const items = json(await checkIn('declaration-items'), 'declaration-items') as {
    Declarations?: Partial<Record<keyof typeof CLASSES, { Identifier: string; ServerToken: string }[]>>;
  };
  const declarations: FetchedDeclaration[] = [];
  const statuses: Record<string, unknown[]> = {};
  for (const [name, { path, status }] of Object.entries(CLASSES)) {
    const list = items.Declarations?.[name as keyof typeof CLASSES] ?? [];
    statuses[status] = [];
    for (const item of list) {
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
      const rejected = state.rejectedDeclarations?.get(item.Identifier);
      statuses[status]?.push({
        identifier: item.Identifier,
        'server-token': item.ServerToken,
        active: rejected === undefined,
        valid: rejected === undefined ? 'valid' : 'invalid',
        ...(rejected !== undefined && {
          reasons: [{ Code: rejected, Description: `${item.Identifier} rejected` }],
        }),
      });
    }
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
  return { declarationsToken: tokens.SyncTokens?.DeclarationsToken, declarations };
}

function json(response: HttpResult, what: string): unknown {
  if (response.status !== 200) throw new Error(`DDM ${what} answered ${response.status}`);
  return JSON.parse(response.body.toString('utf8'));
}
