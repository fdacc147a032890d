// CMS EnvelopedData (RFC 5652 §6) with RSA key transport and AES/3DES-CBC content encryption.
import {
  X509Certificate,
  constants,
  createCipheriv,
  createDecipheriv,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import {
  certificateFieldsFromDer,
  issuerAndSerialNumber,
  sameEncoding,
  serialBytes,
} from './certificate-fields.js';
import type { CertificateFields } from './certificate-fields.js';
import { CmsError } from './cms-error.js';
import type { Asn1, DerLimits } from './der.js';
import {
  algorithmIdentifier,
  algorithmOid,
  asn1,
  children,
  integer,
  integerBytes,
  isContext,
  octetString,
  octets,
  oid,
  oidNode,
  parseDer,
  sequence,
  set,
} from './der.js';
import type { ContentCipher } from './oids.js';
import { CIPHER_OID, OID, cipherByOid } from './oids.js';
import { unwrapOaep, unwrapPkcs1v15 } from './rsa-key-transport.js';

const { Class, Type } = forge.asn1;

const KEY_LENGTH: Record<ContentCipher, number> = {
  'aes-128-cbc': 16,
  'aes-192-cbc': 24,
  'aes-256-cbc': 32,
  'des-ede3-cbc': 24,
};

/** Encrypts `content` to the RSA key of `recipientCertificate`; returns a ContentInfo's DER. */
export function encryptEnvelopedData(
  content: Uint8Array,
  recipientCertificate: Buffer,
  cipher: ContentCipher = 'aes-256-cbc',
): Buffer {
  const fields = certificateFieldsFromDer(recipientCertificate);
  const key = randomBytes(KEY_LENGTH[cipher]);
  const iv = randomBytes(cipher === 'des-ede3-cbc' ? 8 : 16);
  const encipher = createCipheriv(cipher, key, iv);
  const ciphertext = Buffer.concat([encipher.update(content), encipher.final()]);
  const encryptedKey = publicEncrypt(
    { key: new X509Certificate(recipientCertificate).publicKey, padding: constants.RSA_PKCS1_PADDING },
    key,
  );
  const recipientInfo = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    integer(0),
    issuerAndSerialNumber(fields),
    algorithmIdentifier(OID.rsaEncryption),
    octetString(encryptedKey),
  ]);
  const encryptedContentInfo = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    oidNode(OID.data),
    algorithmIdentifier(CIPHER_OID[cipher], octetString(iv)),
    asn1.create(Class.CONTEXT_SPECIFIC, 0, false, ciphertext.toString('latin1')),
  ]);
  const envelopedData = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    integer(0),
    asn1.create(Class.UNIVERSAL, Type.SET, true, [recipientInfo]),
    encryptedContentInfo,
  ]);
  return Buffer.from(
    asn1
      .toDer(
        asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
          oidNode(OID.envelopedData),
          asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [envelopedData]),
        ]),
      )
      .getBytes(),
    'latin1',
  );
}

export interface Decrypted {
  content: Buffer;
  /** The content cipher the sender chose; answer with the same one (single DES: never). */
  cipher: ContentCipher | 'des-cbc';
}

export interface DecryptOptions extends DerLimits {
  /**
   * Accept single DES (1.3.14.3.2.7), which some SCEP clients (micromdm scepclient) still send.
   * 56-bit keys are breakable: enable only for legacy interop. OpenSSL 3 dropped it, so forge runs it.
   */
  allowSingleDes?: boolean;
}

const DES_CBC = '1.3.14.3.2.7';

/** Decrypts a ContentInfo holding EnvelopedData addressed to `certificate` (whose key is `key`). */
export function decryptEnvelopedData(
  der: Uint8Array,
  recipient: { certificate: Buffer; key: KeyObject },
  limits: DecryptOptions = {},
): Decrypted {
  const contentInfo = sequence(parseDer(der, limits), 'ContentInfo');
  if (oid(contentInfo[0], 'ContentInfo.contentType') !== OID.envelopedData) {
    throw new CmsError('malformed', 'ContentInfo does not hold EnvelopedData');
  }
  if (!isContext(contentInfo[1], 0)) throw new CmsError('malformed', 'ContentInfo without content');
  const fields = sequence(children(contentInfo[1], 'content')[0], 'EnvelopedData');
  integerBytes(fields[0], 'EnvelopedData.version');
  const index = isContext(fields[1], 0) ? 2 : 1; // originatorInfo is irrelevant to key transport
  const ours = certificateFieldsFromDer(recipient.certificate);
  const info = set(fields[index], 'recipientInfos')
    .filter((node) => node.tagClass === Class.UNIVERSAL && node.type === Type.SEQUENCE)
    .map((node) => sequence(node, 'KeyTransRecipientInfo'))
    .find((parts) => addressedTo(parts[1], ours));
  if (!info) throw new CmsError('untrusted', 'no RecipientInfo is addressed to this certificate');
  const keyAlgorithm = algorithmOid(info[2], 'keyEncryptionAlgorithm');
  const encryptedKey = octets(info[3], 'encryptedKey');

  const encrypted = sequence(fields[index + 1], 'EncryptedContentInfo');
  const algorithm = sequence(encrypted[1], 'contentEncryptionAlgorithm');
  const cipherOid = oid(algorithm[0], 'contentEncryptionAlgorithm');
  const iv = octets(algorithm[1], 'content-encryption IV');
  if (!isContext(encrypted[2], 0)) throw new CmsError('malformed', 'EnvelopedData has no encryptedContent');
  const ciphertext = octets(encrypted[2], 'encryptedContent');
  if (cipherOid === DES_CBC && limits.allowSingleDes) {
    if (iv.length !== 8) throw new CmsError('malformed', 'bad IV length');
    const key = unwrapKey(keyAlgorithm, encryptedKey, recipient.key, 8);
    return { content: singleDesDecrypt(key, iv, ciphertext), cipher: 'des-cbc' };
  }
  const cipher = cipherByOid(cipherOid);
  if (iv.length !== (cipher === 'des-ede3-cbc' ? 8 : 16)) throw new CmsError('malformed', 'bad IV length');

  const key = unwrapKey(keyAlgorithm, encryptedKey, recipient.key, KEY_LENGTH[cipher]);
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return { content: Buffer.concat([decipher.update(ciphertext), decipher.final()]), cipher };
  } catch (error) {
    // One message for a wrong key and a bad padding, so neither becomes an oracle.
    throw new CmsError('malformed', 'EnvelopedData could not be decrypted', { cause: error });
  }
}

function addressedTo(rid: Asn1 | undefined, ours: CertificateFields): boolean {
  if (isContext(rid, 0)) return ours.subjectKeyId?.equals(octets(rid, 'subjectKeyIdentifier')) ?? false;
  const parts = sequence(rid, 'IssuerAndSerialNumber');
  return (
    integerBytes(parts[1], 'serialNumber').equals(serialBytes(ours)) &&
    sameEncoding(parts[0] as Asn1, ours.issuer)
  );
}

/** Unwraps the content-encryption key; a bad block becomes a wrong key, never a distinct error. */
function unwrapKey(algorithm: string, encryptedKey: Buffer, key: KeyObject, length: number): Buffer {
  if (algorithm === OID.rsaOaep) return unwrapOaep(key, encryptedKey, length);
  if (algorithm === OID.rsaEncryption) return unwrapPkcs1v15(key, encryptedKey, length);
  throw new CmsError('unsupported', `unsupported key-encryption algorithm ${algorithm}`);
}

function singleDesDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const decipher = forge.cipher.createDecipher('DES-CBC', key.toString('latin1'));
  decipher.start({ iv: iv.toString('latin1') });
  decipher.update(forge.util.createBuffer(ciphertext.toString('latin1')));
  if (!decipher.finish()) throw new CmsError('malformed', 'EnvelopedData could not be decrypted');
  return Buffer.from(decipher.output.getBytes(), 'latin1');
}
