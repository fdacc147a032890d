// OS updates with a deadline: an enforcement declaration where DDM takes it, ScheduleOSUpdate otherwise.
// https://developer.apple.com/documentation/devicemanagement/softwareupdateenforcementspecific
import { compareOsVersions, type OsUpdate } from '../../../policy/index.js';
import { keySupportReason, schemaKey, supportReason } from '../apple-support.js';
import { commandSchema, policyCommand } from '../policy-commands.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

export const ENFORCEMENT_DECLARATION = 'com.apple.configuration.softwareupdate.enforcement.specific';

export function translateOsUpdates(updates: OsUpdate[], env: SettingEnv): SettingOutput {
  // The other entries are for other platforms; they are not this device's business.
  const index = updates.findIndex((u) => u.platform === env.target.platform);
  const update = updates[index];
  if (!update) return {};
  const setting = `osUpdates[${index}]`;
  if (env.declarationReason(ENFORCEMENT_DECLARATION) === undefined) {
    return {
      declarations: [
        {
          type: ENFORCEMENT_DECLARATION,
          identifier: env.identifier('osUpdate'),
          payload: {
            TargetOSVersion: update.minimumVersion,
            TargetLocalDateTime: update.deadline,
            ...(update.buildVersion && { TargetBuildVersion: update.buildVersion }),
            ...(update.detailsUrl && { DetailsURL: update.detailsUrl }),
          },
        },
      ],
    };
  }
  // Without DDM the device cannot hold a deadline: Keep asks for the update now, and compliance is judged by
  // the deadline against the version the device reports.
  if (compareOsVersions(env.target.osVersion, update.minimumVersion) >= 0) return {};
  const schema = commandSchema('ScheduleOSUpdate');
  const updatesKey = schemaKey(schema, 'Updates').subkeys![0]!;
  const versionKey = updatesKey.subkeys!.find((k) => k.key === 'ProductVersion')!;
  const reason = supportReason(env.target, schema) ?? keySupportReason(env.target, schema, versionKey);
  if (reason) return { notApplicable: [{ setting, reason }] };
  return {
    commands: [
      policyCommand('ScheduleOSUpdate', setting, {
        Updates: [{ ProductVersion: update.minimumVersion, InstallAction: 'InstallASAP' }],
      }),
    ],
  };
}
