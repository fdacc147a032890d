// Parses the DDM status report a device sends to the `status` endpoint (JSON in the check-in Data).
// https://developer.apple.com/documentation/devicemanagement/statusreport
import { MdmMessageError } from '../plist-fields.js';
import type { JsonObject, JsonValue } from './declaration-manifest.js';

export interface StatusReason {
  code: string;
  description?: string;
  details?: JsonObject;
}

/** One entry of `management.declarations.*`: what the device did with a declaration. */
export interface DeclarationStatus {
  identifier: string;
  serverToken: string;
  active: boolean;
  valid: string;
  reasons: StatusReason[];
}

export interface StatusReport {
  fullReport: boolean;
  /** The status item tree as sent, e.g. `device.operating-system.version`. */
  statusItems: JsonObject;
  declarations: DeclarationStatus[];
  errors: { statusItem: string; reasons: StatusReason[] }[];
}

export const DEFAULT_MAX_STATUS_BYTES = 1024 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function decodeStatusReport(data: Uint8Array, maxBytes = DEFAULT_MAX_STATUS_BYTES): StatusReport {
  if (data.byteLength > maxBytes) throw invalid(`status report exceeds ${maxBytes} bytes`);
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data), (key, value: JsonValue) => {
      if (FORBIDDEN_KEYS.has(key)) throw invalid(`status report key "${key}" is not allowed`);
      return value;
    }) as JsonValue;
  } catch (cause) {
    if (cause instanceof MdmMessageError) throw cause;
    throw new MdmMessageError('invalid-value', 'status report is not valid JSON', 'Data', { cause });
  }
  const report = object(parsed, 'status report');
  const statusItems = object(report.StatusItems ?? {}, 'StatusItems');
  const errors = array(report.Errors ?? [], 'Errors').map((e, i) => {
    const entry = object(e, `Errors[${i}]`);
    return {
      statusItem: string(entry.StatusItem, `Errors[${i}].StatusItem`),
      reasons: reasons(entry.Reasons),
    };
  });
  return {
    fullReport: report.FullReport === true,
    statusItems,
    declarations: declarationStatuses(statusItems),
    errors,
  };
}

function declarationStatuses(items: JsonObject): DeclarationStatus[] {
  const management = items.management;
  if (!isObject(management) || !isObject(management.declarations)) return [];
  const out: DeclarationStatus[] = [];
  for (const [group, list] of Object.entries(management.declarations)) {
    array(list, `declarations.${group}`).forEach((entry, i) => {
      const path = `declarations.${group}[${i}]`;
      const d = object(entry, path);
      out.push({
        identifier: string(d.identifier, `${path}.identifier`),
        serverToken: string(d['server-token'], `${path}.server-token`),
        active: d.active === true,
        valid: typeof d.valid === 'string' ? d.valid : 'unknown',
        reasons: reasons(d.reasons),
      });
    });
  }
  return out;
}

function reasons(value: JsonValue | undefined): StatusReason[] {
  return array(value ?? [], 'reasons').map((r, i) => {
    const reason = object(r, `reasons[${i}]`);
    return {
      code: string(reason.Code, `reasons[${i}].Code`),
      description: typeof reason.Description === 'string' ? reason.Description : undefined,
      details: isObject(reason.Details) ? reason.Details : undefined,
    };
  });
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: JsonValue | undefined, path: string): JsonObject {
  if (!isObject(value)) throw invalid(`${path} must be an object`);
  return value;
}

function array(value: JsonValue | undefined, path: string): JsonValue[] {
  if (!Array.isArray(value)) throw invalid(`${path} must be an array`);
  return value;
}

function string(value: JsonValue | undefined, path: string): string {
  if (typeof value !== 'string') throw invalid(`${path} must be a string`);
  return value;
}

function invalid(message: string): MdmMessageError {
  return new MdmMessageError('invalid-value', message, 'Data');
}
