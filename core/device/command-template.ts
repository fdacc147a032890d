// One command built once for many devices: the platform builds it around a placeholder UUID, and each device's copy
// swaps in its own. The placeholder is random (128 bits), so it occurs only where the platform put the UUID.
import type { DeviceCommand } from './device-command.js';

export interface CommandTemplate {
  requestType: string;
  /** The payload as the platform built it for `placeholderUuid`. */
  payload: string;
  placeholderUuid: string;
}

export function commandFromTemplate(template: CommandTemplate, commandUuid: string): DeviceCommand {
  return {
    commandUuid,
    requestType: template.requestType,
    payload: template.payload.replaceAll(template.placeholderUuid, commandUuid),
  };
}
