// What the Apple translator is told about the device and the deployment, and what it gives back.
import type { Declaration } from '../declarative/index.js';
import type { ScepPayloadInput } from '../scep-payload.js';
import type { PlistDict } from '../plist-codec.js';
import type { NotApplicable } from '../../policy/not-applicable.js';

export type { NotApplicable };

export type ApplePlatform = 'macOS' | 'iOS' | 'iPadOS';

/** The device a policy is translated for, as its enrollment and last DeviceInformation describe it. */
export interface AppleTarget {
  platform: ApplePlatform;
  osVersion: string;
  supervised: boolean;
  enrollment: 'device' | 'user';
}

/** Deployment facts the translation needs; per-device secrets (the SCEP challenge) are minted by the caller. */
export interface AppleTranslationContext {
  /** Reverse-DNS base of every identifier Keep emits, e.g. `com.example.keep`. */
  identifierPrefix: string;
  organization: string;
  /** https base under which the edge serves profiles for `com.apple.configuration.legacy` declarations. */
  profileBaseUrl: string;
  /** Keep's escrow certificate (DER): FileVault recovery keys are encrypted to it. */
  escrowCertificateDer?: Uint8Array;
  /** A SCEP request for an identity from Keep's CA, used by enterprise Wi-Fi. */
  scep?: ScepPayloadInput;
  /**
   * Whether the device is served Declarative Device Management (default true). With false every setting takes
   * its profile or command form, and a setting that has only a declaration is reported not applicable.
   */
  declarativeManagement?: boolean;
  /**
   * Whether a DDM device fetches each setting's profile through a `com.apple.configuration.legacy` declaration
   * (default true). With false profiles go by InstallProfile even where DDM is served, e.g. while the edge
   * does not serve the profile URLs.
   */
  profilesByDeclaration?: boolean;
}

/** A declaration of a policy, with the setting it enforces (none for the activation and properties). */
export type PolicyDeclaration = Declaration & { setting?: string };

/** The payloads of one setting, installed as one profile so that each setting changes on its own. */
export interface ProfilePayloadSet {
  identifier: string;
  displayName: string;
  setting: string;
  payloads: PlistDict[];
  /** A password or SCEP challenge is inside: seal at rest, and encrypt to the device where possible. */
  containsSecrets: boolean;
  /** `declaration`: fetched through a `com.apple.configuration.legacy` declaration; `command`: InstallProfile. */
  delivery: 'declaration' | 'command';
}

/**
 * A profile delivered by a `com.apple.configuration.legacy` declaration, signed by the core (DER CMS, base64), for
 * the edge to serve at the declaration's ProfileURL.
 */
export interface DeclarationProfile {
  identifier: string;
  profile: string;
}

export type PolicyRequestType =
  'ScheduleOSUpdate' | 'InstallApplication' | 'InstallEnterpriseApplication' | 'RemoveApplication';

/** A command to send as part of the policy; its body is `Command` without the CommandUUID envelope. */
export interface PolicyCommand {
  requestType: PolicyRequestType;
  setting: string;
  command: PlistDict & { RequestType: PolicyRequestType };
}

export interface AppleTranslation {
  declarations: PolicyDeclaration[];
  profiles: ProfilePayloadSet[];
  commands: PolicyCommand[];
  notApplicable: NotApplicable[];
}
