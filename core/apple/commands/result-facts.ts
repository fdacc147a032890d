// How an Apple command's result becomes inventory: which RequestTypes add facts, under which key, and which
// columns of the device list they fill. Facts are read by every role, so secrets are redacted first: a secret
// stays only in the command's result, behind its permission.
import type { DeviceFactsPatch } from '../../device/device-facts.js';
import { redactSecrets } from './secret-results.js';

/** The lists whose whole answer becomes a fact, keyed by RequestType with a lower-case first letter. */
const LIST_RESULTS = new Set(['ProfileList', 'InstalledApplicationList', 'CertificateList']);

export function appleResultFacts(
  requestType: string,
  result: Record<string, unknown>,
): DeviceFactsPatch | undefined {
  const inventory = redactSecrets(requestType, result).result;
  if (requestType === 'DeviceInformation') {
    const q = (inventory.QueryResponses ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
    const columns = {
      name: str('DeviceName'),
      model: str('ModelName') ?? str('Model'),
      osVersion: str('OSVersion'),
      serialNumber: str('SerialNumber'),
    };
    return {
      facts: { deviceInformation: q },
      columns: Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)),
    };
  }
  if (requestType === 'SecurityInfo') return { facts: { securityInfo: inventory.SecurityInfo ?? {} } };
  if (LIST_RESULTS.has(requestType)) {
    const key = requestType[0]!.toLowerCase() + requestType.slice(1);
    return { facts: { [key]: inventory[requestType] ?? inventory.InstalledApplicationList ?? [] } };
  }
  return undefined;
}
