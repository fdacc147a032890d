// An InstallProfile that replaces the MDM enrollment profile in place, as Apple devices accept it to renew the
// MDM identity: the same PayloadIdentifier, and an MDM payload that keeps the server, check-in URL and topic.
// Any other profile with an MDM payload is refused, as before.
// https://developer.apple.com/documentation/devicemanagement/installprofilecommand
import { isPlistDict, type PlistDict } from '../../../core/apple/plist-codec.js';
import { errorOutcome, type CommandOutcome } from './command-responder.js';
import { readEnrollmentProfile, type EnrollmentProfile, type MdmPayload } from './read-enrollment-profile.js';
import type { SigningIdentity } from './mdm-signature.js';

export type EnrollmentUpdate =
  { kind: 'update'; profile: EnrollmentProfile } | { kind: 'refused'; outcome: CommandOutcome };

/** Undefined when the command is not an enrollment-profile update (the responder handles it as any other). */
export function readEnrollmentUpdate(
  command: PlistDict,
  installed: { identifier: string; mdm: MdmPayload; identity?: SigningIdentity | undefined },
): EnrollmentUpdate | undefined {
  if (command.RequestType !== 'InstallProfile' || !(command.Payload instanceof Uint8Array)) return undefined;
  let read: EnrollmentProfile;
  try {
    read = readEnrollmentProfile(command.Payload, installed.identity);
  } catch {
    return undefined;
  }
  const content = Array.isArray(read.profile.PayloadContent) ? read.profile.PayloadContent : [];
  if (!content.some((p) => isPlistDict(p) && p.PayloadType === 'com.apple.mdm')) return undefined;
  const same =
    read.profile.PayloadIdentifier === installed.identifier &&
    read.mdm.serverUrl === installed.mdm.serverUrl &&
    read.mdm.checkInUrl === installed.mdm.checkInUrl &&
    read.mdm.topic === installed.mdm.topic;
  if (!same)
    return {
      kind: 'refused',
      outcome: errorOutcome(
        'MCProfileErrorDomain',
        4001,
        'An MDM payload cannot be installed with InstallProfile unless it updates the installed one.',
      ),
    };
  return { kind: 'update', profile: read };
}
