// Reads a device's InstalledApplicationList answer against the apps its policies install or remove: per-app
// compliance, and drift (an app the device listed once is gone, so Keep installs it again).
// https://developer.apple.com/documentation/devicemanagement/installedapplicationlistresponse
import type { PolicyCommandStatus } from '../../db/core/device-policy-command.table.js';
import type { DeviceCommandStatus } from '../../db/core/device-command.table.js';
import type { ManagedApp } from '../../policy/index.js';
import type { AppleTranslation } from './apple-target.js';
import type { SettingCompliance } from './policy-compliance.js';

/** A policy command Keep sent, with the device's answer to it (none while it is queued). */
export interface PolicyCommandState {
  requestType: string;
  status: PolicyCommandStatus;
  outcome?: DeviceCommandStatus | undefined;
  /** The device's own description of an Error answer. */
  error?: string | undefined;
}

/** The device's last InstalledApplicationList, by bundle identifier, and when it was recorded. */
export interface InstalledApps {
  identifiers: ReadonlySet<string>;
  at: Date;
}

/** Anything not shaped as Apple documents the list is ignored; no list at all is no proof. */
export function reportedApps(list: unknown, at: Date): InstalledApps | undefined {
  if (!Array.isArray(list)) return undefined;
  const identifiers = new Set<string>();
  for (const item of list) {
    const app = item as { Identifier?: unknown; Installing?: unknown } | null;
    // An app still downloading is listed with Installing; it is not there yet.
    if (typeof app?.Identifier === 'string' && app.Installing !== true) identifiers.add(app.Identifier);
  }
  return { identifiers, at };
}

/**
 * One row per app entry the device can take (`apps[0]`…): an install is proven by the app in the device's list,
 * a removal by its absence; an Error answer fails it with the device's reason; otherwise it is still unknown.
 */
export function appCompliance(
  apps: readonly ManagedApp[],
  translation: AppleTranslation,
  commands: ReadonlyMap<string, PolicyCommandState>,
  installed: InstalledApps | undefined,
): SettingCompliance[] {
  return apps.flatMap((app, i): SettingCompliance[] => {
    const setting = `apps[${i}]`;
    if (!translation.commands.some((c) => c.setting === setting)) return [];
    const command = commands.get(setting);
    const listed = installed?.identifiers.has(app.bundleId);
    const provenAt = installed ? { provenAt: installed.at } : {};
    if (installed && listed === (app.action === 'install'))
      return [{ setting, status: 'compliant', ...provenAt }];
    if (command?.outcome === 'error' || command?.outcome === 'format-error')
      return [
        {
          setting,
          status: 'failing',
          reason: `the device answered ${command.requestType} for ${app.bundleId} with an error${command.error ? `: ${command.error}` : ''}`,
        },
      ];
    if (command?.status === 'missing')
      return [
        { setting, status: 'failing', reason: `${app.bundleId} was removed from the device; re-installing` },
      ];
    return [
      {
        setting,
        status: 'unknown',
        reason: installed
          ? `waiting for ${app.bundleId} to be ${app.action === 'install' ? 'installed' : 'removed'}`
          : `waiting for the device's InstalledApplicationList`,
      },
    ];
  });
}

/** The new status of each recorded app install: listed is installed; listed once and gone since is drift. */
export function verifyApps(
  recorded: ReadonlyArray<{ setting: string; status: PolicyCommandStatus; bundleId: string }>,
  installed: InstalledApps,
): { statuses: Array<{ setting: string; status: PolicyCommandStatus }>; drift: boolean } {
  let drift = false;
  const statuses = recorded.map(({ setting, status, bundleId }) => {
    if (installed.identifiers.has(bundleId)) return { setting, status: 'installed' as const };
    if (status === 'installed' || status === 'missing') {
      drift = true;
      return { setting, status: 'missing' as const };
    }
    return { setting, status };
  });
  return { statuses, drift };
}
