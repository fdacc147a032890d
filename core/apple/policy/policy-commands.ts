// The MDM commands a policy may send, each with its schema in Apple's YAML.
import type { PlistDict } from '../plist-codec.js';
import { loadAppleSchema, type AppleSchema } from '../schemas/apple-schema.js';
import type { PolicyCommand, PolicyRequestType } from './apple-target.js';

const COMMAND_SCHEMA_FILES: Record<PolicyRequestType, string> = {
  /** https://developer.apple.com/documentation/devicemanagement/scheduleosupdatecommand */
  ScheduleOSUpdate: 'system.update.schedule',
  /** https://developer.apple.com/documentation/devicemanagement/installapplicationcommand */
  InstallApplication: 'application.install',
  /** https://developer.apple.com/documentation/devicemanagement/installenterpriseapplicationcommand */
  InstallEnterpriseApplication: 'application.install.enterprise',
  /** https://developer.apple.com/documentation/devicemanagement/removeapplicationcommand */
  RemoveApplication: 'application.remove',
};

export function commandSchema(requestType: PolicyRequestType): AppleSchema {
  return loadAppleSchema(`mdm/commands/${COMMAND_SCHEMA_FILES[requestType]}.yaml`);
}

export function policyCommand(
  requestType: PolicyRequestType,
  setting: string,
  body: PlistDict,
): PolicyCommand {
  return { requestType, setting, command: { RequestType: requestType, ...body } };
}
