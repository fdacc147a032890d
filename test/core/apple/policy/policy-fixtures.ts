// Policies, targets and a translation context shared by the Apple translator tests.
import type { Declaration } from '../../../../core/apple/declarative/index.js';
import type { PlistDict } from '../../../../core/apple/plist-codec.js';
import {
  translatePolicy,
  type AppleTarget,
  type AppleTranslation,
  type AppleTranslationContext,
} from '../../../../core/apple/policy/index.js';
import { derToPem } from '../../../../core/pki/pem.js';
import { parsePolicy, type Policy } from '../../../../core/policy/index.js';

/** Any DER will do for payloads that carry a certificate: the translator does not parse it. */
const certificateDer = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);

export const context: AppleTranslationContext = {
  identifierPrefix: 'com.example.keep',
  organization: 'Example Corp',
  profileBaseUrl: 'https://mdm.example.com/mdm/profiles',
  escrowCertificateDer: certificateDer,
  scep: {
    url: 'https://mdm.example.com/scep/e-1',
    subject: [['CN', 'wifi identity']],
    challenge: 'challenge-not-logged',
    caCertificateDer: certificateDer,
  },
};

export const certificatePem = derToPem(certificateDer, 'CERTIFICATE');

export const macOS15Supervised: AppleTarget = {
  platform: 'macOS',
  osVersion: '15.1',
  supervised: true,
  enrollment: 'device',
};
export const macOS12: AppleTarget = {
  platform: 'macOS',
  osVersion: '12.7',
  supervised: false,
  enrollment: 'device',
};
export const macOS15Unsupervised: AppleTarget = { ...macOS15Supervised, supervised: false };
export const iOS18Supervised: AppleTarget = {
  platform: 'iOS',
  osVersion: '18.1',
  supervised: true,
  enrollment: 'device',
};
export const iOS18Unsupervised: AppleTarget = { ...iOS18Supervised, supervised: false };
export const iOS14Supervised: AppleTarget = { ...iOS18Supervised, osVersion: '14.8' };
export const iOS18User: AppleTarget = { ...iOS18Supervised, supervised: false, enrollment: 'user' };

export function policy(settings: Record<string, unknown>, name = 'baseline'): Policy {
  return parsePolicy(JSON.stringify({ schemaVersion: 1, name, settings }), 'json');
}

export function translate(settings: Record<string, unknown>, target: AppleTarget): AppleTranslation {
  return translatePolicy(policy(settings), target, context);
}

export function declarationOf(translation: AppleTranslation, type: string): Declaration | undefined {
  return translation.declarations.find((d) => d.type === type);
}

/** The payloads of every profile, whichever way it is delivered. */
export function payloadsOf(translation: AppleTranslation, type: string): PlistDict[] {
  return translation.profiles.flatMap((p) => p.payloads).filter((p) => p.PayloadType === type);
}

export function parseYaml(text: string): Policy {
  return parsePolicy(text, 'yaml');
}
