// Builds the Mdm-Signature header: a detached CMS SignedData over the exact request body.
// https://developer.apple.com/documentation/devicemanagement/mdm (SignMessage)
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import { OID, signSignedData } from '../../../core/cms/index.js';
import { certificateFieldsFromDer, issuerAndSerialNumber } from '../../../core/cms/certificate-fields.js';
import { algorithmIdentifier, embed, integer, octetString, oidNode, toDer } from '../../../core/cms/der.js';
import { DIGEST_OID } from '../../../core/cms/oids.js';

const { Class, Type } = forge.asn1;

/**
 * `device`: what macOS and iOS send — SHA-1, no signed attributes, BER with indefinite lengths.
 * `sha256-attributes`: SHA-256 with content-type and message-digest signed attributes, DER.
 */
export type SignatureForm = 'device' | 'sha256-attributes';

/** The identity SCEP issued: the certificate's DER and its private key. */
export interface SigningIdentity {
  certificate: Buffer;
  privateKey: KeyObject;
}

/** Signs request bodies for one identity; the `device` form costs one native RSA signature and a copy. */
export class MdmSigner {
  private template?: { bytes: Buffer; offset: number; length: number };

  constructor(
    readonly identity: SigningIdentity,
    readonly form: SignatureForm = 'device',
  ) {}

  /** The header value: base64 of the SignedData. */
  sign(body: Uint8Array): string {
    return this.signedData(body).toString('base64');
  }

  signedData(body: Uint8Array): Buffer {
    if (this.form === 'sha256-attributes') {
      return signSignedData({
        content: body,
        detached: true,
        signerCertificate: this.identity.certificate,
        signerKey: this.identity.privateKey,
        digest: 'sha256',
      });
    }
    const signature = sign('sha1', body, this.identity.privateKey);
    this.template ??= deviceTemplate(this.identity, signature.length);
    const { bytes, offset, length } = this.template;
    if (signature.length !== length) throw new Error('signature length changed for the same key');
    const out = Buffer.from(bytes);
    signature.copy(out, offset);
    return out;
  }
}

/**
 * Without signed attributes the only part of the SignedData that changes between bodies is the
 * signature value, whose length is fixed by the key: encode once around a random placeholder and
 * patch the real signature in.
 */
function deviceTemplate(
  identity: SigningIdentity,
  signatureLength: number,
): { bytes: Buffer; offset: number; length: number } {
  const placeholder = randomBytes(signatureLength);
  const sha1 = (): forge.asn1.Asn1 => algorithmIdentifier(DIGEST_OID.sha1);
  const signerInfo = seq([
    integer(1),
    issuerAndSerialNumber(certificateFieldsFromDer(identity.certificate)),
    sha1(),
    algorithmIdentifier(OID.rsaEncryption),
    octetString(placeholder),
  ]);
  const signedData = seq([
    integer(1),
    forge.asn1.create(Class.UNIVERSAL, Type.SET, true, [sha1()]),
    seq([oidNode(OID.data)]),
    forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [embed(identity.certificate)]),
    forge.asn1.create(Class.UNIVERSAL, Type.SET, true, [signerInfo]),
  ]);
  const der = toDer(
    seq([oidNode(OID.signedData), forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [signedData])]),
  );
  const bytes = Buffer.from(toIndefiniteBer(der));
  const offset = bytes.indexOf(placeholder);
  if (offset < 0 || bytes.indexOf(placeholder, offset + 1) >= 0) throw new Error('placeholder not unique');
  return { bytes, offset, length: signatureLength };
}

function seq(value: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, value);
}

/**
 * Re-encodes the envelope as Apple's CMS encoder does: ContentInfo, its [0], SignedData, the
 * EncapsulatedContentInfo, the certificates and the SignerInfos set get indefinite lengths; the
 * certificate and the SignerInfo keep their DER.
 */
function toIndefiniteBer(der: Buffer): ArrayBuffer {
  const parsed = asn1js.fromBER(new Uint8Array(der));
  if (parsed.offset === -1) throw new Error(`could not re-read the SignedData: ${parsed.result.error}`);
  const contentInfo = parsed.result as asn1js.Sequence;
  const explicit = contentInfo.valueBlock.value[1] as asn1js.Constructed;
  const signedData = explicit.valueBlock.value[0] as asn1js.Sequence;
  const [, , encapsulated, certificates, signerInfos] = signedData.valueBlock.value;
  for (const node of [contentInfo, explicit, signedData, encapsulated, certificates, signerInfos]) {
    if (!node) throw new Error('unexpected SignedData shape');
    node.lenBlock.isIndefiniteForm = true;
  }
  return contentInfo.toBER();
}
