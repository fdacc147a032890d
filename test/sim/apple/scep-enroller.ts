// Gets a simulated device its identity certificate from the SCEP payload of an enrollment profile.
// https://developer.apple.com/documentation/devicemanagement/scep
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ScepClient } from '../scep/scep-client.js';
import type { SubjectField } from '../scep/x509-builder.js';
import { fetchOver, type HttpAgents } from './mdm-http.js';
import type { SigningIdentity } from './mdm-signature.js';

/** What the `com.apple.security.scep` payload asks for, read by the device. */
export interface ScepPayload {
  url: string;
  /** Secret: never logged. */
  challenge?: string;
  /** As in the profile: a list of RDNs, each a list of [type, value] pairs. */
  subject: [string, string][][];
  keySize: number;
  /** SHA-1 (or MD5) of the CA certificate the server must answer with. */
  caFingerprint?: Uint8Array;
}

export interface EnrollContext {
  agents: HttpAgents;
  /** A key made ahead of time (a fleet generates them in parallel); a fresh one otherwise. */
  keyPair?: { publicKey: KeyObject; privateKey: KeyObject };
}

export type IdentityEnroller = (payload: ScepPayload, context: EnrollContext) => Promise<SigningIdentity>;

export class ScepEnrollmentError extends Error {
  override readonly name = 'ScepEnrollmentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Enrols through the real SCEP protocol, with the same HTTP agents (and trusted CAs) as the MDM traffic. */
export const scepEnroller: IdentityEnroller = async (payload, context) => {
  const client = new ScepClient({ url: payload.url, fetch: fetchOver(context.agents), pollIntervalMs: 200 });
  if (payload.caFingerprint) {
    const pinned = Buffer.from(payload.caFingerprint);
    const algorithm = pinned.length === 16 ? 'md5' : 'sha1';
    const certificates = await client.getCaCert();
    if (!certificates.some((der) => createHash(algorithm).update(der).digest().equals(pinned))) {
      throw new ScepEnrollmentError('no certificate from the SCEP server matches CAFingerprint');
    }
  }
  // The client makes 2048-bit keys; a profile asking for another size gets one here.
  const keyPair =
    context.keyPair ??
    (payload.keySize === 2048 ? undefined : generateKeyPairSync('rsa', { modulusLength: payload.keySize }));
  const enrollment = await client.enroll({
    subject: subjectFields(payload.subject),
    ...(payload.challenge === undefined ? {} : { challengePassword: payload.challenge }),
    ...(keyPair ? { keyPair } : {}),
  });
  return { certificate: enrollment.certificate, privateKey: enrollment.privateKey };
};

function subjectFields(subject: [string, string][][]): SubjectField[] {
  return subject
    .flat()
    .map(([type, value]) =>
      /^[0-9]+(\.[0-9]+)+$/.test(type) ? { type, value } : { shortName: type, value },
    );
}
