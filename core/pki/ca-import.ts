// Imports an existing CA (certificate, chain and key) from PEM or PKCS#12, instead of creating one.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import {
  CertificateAuthorityError,
  toCertificateAuthority,
  type CertificateAuthority,
} from './certificate-authority.js';
import { signatureAlgorithmFor, UnsupportedSigningKeyError } from './native-signer.js';
import { pemBlocks } from './pem.js';

/** Thrown when an import cannot produce a usable CA; `cause` holds the parser's own error. */
export class CaImportError extends Error {
  override name = 'CaImportError';
}

/** PKCS#12 files of CAs are a few KiB; the cap keeps forge's JS parser away from hostile input. */
const MAX_IMPORT_BYTES = 1024 * 1024;

export interface PemCaImport {
  /** The CA certificate, optionally followed or preceded by the chain above it. */
  certificatesPem: string;
  /** PKCS#8, PKCS#1 or SEC1; encrypted PEM needs the passphrase. */
  privateKeyPem: string;
  passphrase?: string;
}

export function importCaFromPem(input: PemCaImport): CertificateAuthority {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: input.privateKeyPem,
      format: 'pem',
      ...(input.passphrase === undefined ? {} : { passphrase: input.passphrase }),
    });
  } catch (cause) {
    throw new CaImportError('the CA private key cannot be read (wrong passphrase or format?)', { cause });
  }
  return assemble(pemBlocks(input.certificatesPem, 'CERTIFICATE'), privateKey);
}

/** Reads the first private key and every certificate of a PKCS#12 file (RFC 7292). */
export function importCaFromPkcs12(der: Uint8Array, password: string): CertificateAuthority {
  if (der.byteLength > MAX_IMPORT_BYTES) throw new CaImportError('the PKCS#12 file is too large for a CA');
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (cause) {
    throw new CaImportError('the PKCS#12 file cannot be opened (wrong password or format?)', { cause });
  }
  const bags = (type: string | undefined) => (type ? (p12.getBags({ bagType: type })[type] ?? []) : []);
  const toDer = (asn1: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');

  const certificates = bags(forge.pki.oids.certBag).map((bag) =>
    // forge parses only RSA certificates; for others it leaves the raw ASN.1 in `asn1`.
    toDer(bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1),
  );
  const [keyBag] = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(forge.pki.oids.keyBag)];
  if (!keyBag) throw new CaImportError('the PKCS#12 file holds no private key');
  const pkcs8 = toDer(
    keyBag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1,
  );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new CaImportError('the private key in the PKCS#12 file cannot be read', { cause });
  }
  return assemble(certificates, privateKey);
}

/** Picks the certificate that matches the key, then orders the rest as its chain, nearest first. */
function assemble(certificates: Buffer[], privateKey: KeyObject): CertificateAuthority {
  try {
    signatureAlgorithmFor(privateKey);
  } catch (cause) {
    if (cause instanceof UnsupportedSigningKeyError) throw new CaImportError(cause.message, { cause });
    throw cause;
  }
  let parsed: X509Certificate[];
  try {
    parsed = certificates.map((der) => new X509Certificate(der));
  } catch (cause) {
    throw new CaImportError('a certificate in the import cannot be parsed', { cause });
  }
  const own = parsed.find((cert) => cert.checkPrivateKey(privateKey));
  if (!own) throw new CaImportError('no certificate in the import matches the private key');

  const chain: X509Certificate[] = [];
  for (let current = own; ;) {
    const issuer = parsed.find(
      (cert) =>
        cert !== current &&
        !chain.includes(cert) &&
        current.checkIssued(cert) &&
        current.verify(cert.publicKey),
    );
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  try {
    return toCertificateAuthority(
      own.raw,
      privateKey,
      chain.map((cert) => cert.raw),
    );
  } catch (cause) {
    if (cause instanceof CertificateAuthorityError) throw new CaImportError(cause.message, { cause });
    throw cause;
  }
}
