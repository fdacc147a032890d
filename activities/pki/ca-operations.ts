// Keep's CA at run time: load (or create, or import) it from the core DB, issue from CSRs, publish CRLs.
import { createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CaKey, CaKeyPurpose } from '../../core/db/core/ca-key.table.js';
import type { AttestedFacts, NewCertificateRecord } from '../../core/db/core/certificate.table.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import { createCaHierarchy, generateRsaKey } from '../../core/pki/ca-create.js';
import { importCaFromPem, importCaFromPkcs12, type PemCaImport } from '../../core/pki/ca-import.js';
import {
  subjectKeyIdOf,
  toCertificateAuthority,
  type CertificateAuthority,
} from '../../core/pki/certificate-authority.js';
import type { LeafProfileName } from '../../core/pki/certificate-profile.js';
import { authorityKeyIdOf } from '../../core/pki/authority-key-id.js';
import { buildCrl } from '../../core/pki/crl.js';
import { checkCsr, CsrPolicyError, type CsrRejection } from '../../core/pki/csr-policy.js';
import {
  issueCertificate,
  type CertificateTemplate,
  type IssuedCertificate,
} from '../../core/pki/issue-certificate.js';
import { derToPem, pemBlocks } from '../../core/pki/pem.js';
import {
  hashChallenge,
  isWellFormedChallenge,
  type ChallengeBinding,
  type ChallengePurpose,
  type ChallengeRejection,
} from '../../core/pki/scep-challenge.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import { describeName } from '../../core/pki/x509-name.js';
import { Certificate } from 'pkijs';
import {
  findActiveCaKeys,
  findCrlSigningCas,
  findPublishedIssuingCas,
  findRolloverRoots,
  insertCaKey,
} from './ca-key.repository.js';
import {
  findCertificateByChallenge,
  listRevokedCertificates,
  recordCertificate,
} from './certificate.repository.js';
import { findLatestCrl, recordCrl } from './crl-state.repository.js';
import { consumeChallenge } from './scep-challenge.repository.js';

export interface CaOptions {
  /** Appears in the CA names ("<organization> Keep Root CA"). */
  organization: string;
  /** Used only on the first start, when no CA is stored yet; a stored CA always wins. */
  import?: { pem: PemCaImport } | { pkcs12: { der: Uint8Array; password: string } };
  crlUrl?: string;
  now?: Date;
}

/** A key the core holds and uses itself, with the certificate that names it. */
export interface ServiceKey {
  certificatePem: string;
  privateKey: KeyObject;
}

export interface LoadedCa {
  issuing: CertificateAuthority;
  /** The trust anchor devices install: the top of the issuing CA's chain, or the issuing CA if it is a root. */
  rootPem: string;
  profileSigning: ServiceKey;
  escrow: ServiceKey;
  /** Issuing CAs published beside the active one during a rollover (`next`, `retiring`), as DER. */
  published: Array<{ der: Buffer; next: boolean }>;
  /**
   * During a root rollover, the certificates trusted beside the active root, as DER: the cross-certificates, and
   * the successor coming (`next`) or the old root going (`retiring`).
   */
  rolloverRoots: { crossCertificates: Buffer[]; roots: Buffer[] };
  /**
   * Every issuing CA that signs a CRL, oldest first: the active one, and a retiring or retired one whose key the
   * core still holds (until the last certificate it issued expires, see destroyExpiredCaKeys).
   */
  crlIssuers: CertificateAuthority[];
}

/** Thrown when stored CA rows are incomplete; never repaired silently, since that would mint a new CA. */
export class CaStateError extends Error {
  override name = 'CaStateError';
}

export const keyAad = (purpose: CaKeyPurpose, id: string) => Buffer.from(`ca_keys/${purpose}/${id}`);

/** Opens a stored CA key row's sealed private key. */
export function openCaKey(
  keyRing: KeyRing,
  row: { id: string; purpose: CaKeyPurpose; certificate_pem: string; sealed_private_key: string | null },
): ServiceKey {
  if (!row.sealed_private_key) throw new CaStateError(`Keep does not hold the ${row.purpose} key`);
  const pkcs8 = keyRing.openString(row.sealed_private_key, keyAad(row.purpose, row.id));
  return {
    certificatePem: row.certificate_pem,
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
  };
}

/**
 * Serialised by an advisory lock so that two core workers starting together cannot both create a
 * CA; the second waits, then loads what the first stored.
 */
export async function loadOrCreateCa(
  db: Kysely<CoreDatabase>,
  keyRing: KeyRing,
  options: CaOptions,
): Promise<LoadedCa> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('keep.pki.ca'))`.execute(trx);
    const stored = await findActiveCaKeys(trx);
    const openKey = (purpose: CaKeyPurpose): ServiceKey => {
      const row = stored.get(purpose);
      if (!row?.sealed_private_key) throw new CaStateError(`no active ${purpose} key is stored`);
      return openCaKey(keyRing, row);
    };

    if (stored.has('issuing')) {
      const issuing = openKey('issuing');
      const chainPem = stored.get('root')?.certificate_pem ?? '';
      const chain = pemBlocks(chainPem, 'CERTIFICATE');
      return {
        issuing: toCertificateAuthority(
          pemBlocks(issuing.certificatePem, 'CERTIFICATE')[0]!,
          issuing.privateKey,
          chain,
        ),
        rootPem: chain.length ? derToPem(chain.at(-1)!, 'CERTIFICATE') : issuing.certificatePem,
        profileSigning: openKey('profile-signing'),
        escrow: openKey('escrow'),
        published: (await findPublishedIssuingCas(trx)).map((row) => ({
          der: pemBlocks(row.certificate_pem, 'CERTIFICATE')[0]!,
          next: row.state === 'next',
        })),
        rolloverRoots: rolloverRootsOf(await findRolloverRoots(trx)),
        crlIssuers: (await findCrlSigningCas(trx)).map((row) =>
          toCertificateAuthority(
            pemBlocks(row.certificate_pem, 'CERTIFICATE')[0]!,
            openCaKey(keyRing, row).privateKey,
            chain,
          ),
        ),
      };
    }

    const now = options.now ?? new Date();
    const store = async (purpose: CaKeyPurpose, certificatePem: string, privateKey: KeyObject | null) => {
      const id = randomUUID();
      const pkcs8 = privateKey?.export({ type: 'pkcs8', format: 'der' });
      await insertCaKey(trx, {
        id,
        purpose,
        certificate_pem: certificatePem,
        sealed_private_key: pkcs8 ? keyRing.sealToString(pkcs8, keyAad(purpose, id)) : null,
      });
    };

    let issuing: CertificateAuthority;
    let rootKey: KeyObject | null = null;
    if (options.import) {
      issuing =
        'pem' in options.import
          ? importCaFromPem(options.import.pem)
          : importCaFromPkcs12(options.import.pkcs12.der, options.import.pkcs12.password);
    } else {
      const created = createCaHierarchy({ organization: options.organization, now });
      issuing = created.issuing;
      rootKey = created.root.privateKey;
    }
    const chainPem = issuing.chainDer.map((der) => derToPem(der, 'CERTIFICATE')).join('');
    if (chainPem) await store('root', chainPem, rootKey);
    await store('issuing', issuing.certificatePem, issuing.privateKey);

    const serviceKey = (
      purpose: 'profile-signing' | 'escrow',
      profile: LeafProfileName,
      commonName: string,
    ) =>
      issueServiceKey(trx, keyRing, issuing, {
        purpose,
        profile,
        commonName,
        now,
        organization: options.organization,
        ...(options.crlUrl ? { crlUrl: options.crlUrl } : {}),
      });
    return {
      issuing,
      rootPem: chainPem ? derToPem(issuing.chainDer.at(-1)!, 'CERTIFICATE') : issuing.certificatePem,
      profileSigning: await serviceKey(
        'profile-signing',
        'profile-signing',
        `${options.organization} Keep Profile Signing`,
      ),
      escrow: await serviceKey('escrow', 'escrow-encryption', `${options.organization} Keep Key Escrow`),
      published: [],
      rolloverRoots: { crossCertificates: [], roots: [] },
      crlIssuers: [issuing],
    };
  });
}

function rolloverRootsOf(rows: CaKey[]): LoadedCa['rolloverRoots'] {
  // The cross-certificate serves only devices that trust the old root: once that root is retired, neither is served.
  if (rows.every((row) => row.state === 'active')) return { crossCertificates: [], roots: [] };
  const blocks = (pem: string | null) => (pem ? pemBlocks(pem, 'CERTIFICATE') : []);
  return {
    crossCertificates: rows.flatMap((row) => blocks(row.cross_certificate_pem)),
    roots: rows.filter((row) => row.state !== 'active').flatMap((row) => blocks(row.certificate_pem)),
  };
}

/** Issues, records and stores (sealed, as the active key of its purpose) one of the keys the core uses itself. */
export async function issueServiceKey(
  trx: Kysely<CoreDatabase>,
  keyRing: KeyRing,
  issuing: CertificateAuthority,
  options: {
    purpose: 'profile-signing' | 'escrow';
    profile: LeafProfileName;
    commonName: string;
    organization: string;
    crlUrl?: string;
    now: Date;
  },
): Promise<ServiceKey> {
  const { publicKey, privateKey } = generateRsaKey(3072);
  const issued = issueCertificate({
    ca: issuing,
    publicKey,
    profile: options.profile,
    template: { commonName: options.commonName, organization: options.organization },
    serial: generateSerialNumber(),
    now: options.now,
    ...(options.crlUrl ? { crlUrl: options.crlUrl } : {}),
  });
  await recordIssued(trx, issued, options.profile, {});
  const id = randomUUID();
  await insertCaKey(trx, {
    id,
    purpose: options.purpose,
    certificate_pem: issued.pem,
    sealed_private_key: keyRing.sealToString(
      privateKey.export({ type: 'pkcs8', format: 'der' }),
      keyAad(options.purpose, id),
    ),
  });
  return { certificatePem: issued.pem, privateKey };
}

/** Records an issued certificate with what it was issued for; the subject is read from the certificate. */
export async function recordIssued(
  db: Kysely<CoreDatabase>,
  issued: IssuedCertificate,
  profile: LeafProfileName,
  links: IssuedLinks,
): Promise<void> {
  await recordCertificate(db, issuedRecord(issued, profile, links));
}

export interface IssuedLinks {
  deviceId?: string;
  enrollmentId?: string;
  challengeHash?: string;
  renewalOf?: string;
  /** What Apple vouched for, for an identity issued through ACME device-attest-01. */
  attestation?: AttestedFacts;
}

/** The registry row of an issued certificate. */
export function issuedRecord(
  issued: IssuedCertificate,
  profile: LeafProfileName,
  links: IssuedLinks,
): NewCertificateRecord {
  const certificate = Certificate.fromBER(issued.der);
  return {
    serial_hex: issued.serialHex,
    subject: describeName(certificate.subject),
    issuer_key_id: authorityKeyIdOf(certificate) ?? null,
    profile,
    device_id: links.deviceId ?? null,
    enrollment_id: links.enrollmentId ?? null,
    not_before: issued.notBefore,
    not_after: issued.notAfter,
    sha256_fingerprint: issued.sha256Fingerprint,
    der: issued.der,
    challenge_hash: links.challengeHash ?? null,
    renewal_of: links.renewalOf ?? null,
    ...(links.attestation ? { attestation: JSON.stringify(links.attestation) } : {}),
    revoked_at: null,
    revocation_reason: null,
  };
}

export interface IssueFromCsrRequest {
  ca: CertificateAuthority;
  csrDer: Uint8Array;
  profile: LeafProfileName;
  template: CertificateTemplate;
  /** What the challenge in the CSR must have been issued for. */
  purpose: ChallengePurpose;
  boundTo: ChallengeBinding;
  challengePepper: Uint8Array;
  deviceId?: string;
  enrollmentId?: string;
  /** The fingerprint of the identity the new certificate replaces (a renewal by challenge). */
  renewalOf?: string;
  crlUrl?: string;
  now: Date;
}

export type IssueOutcome =
  | { status: 'issued'; certificate: IssuedCertificate }
  | { status: 'rejected'; reason: CsrRejection | ChallengeRejection; message: string };

/**
 * Policy first (pure, no DB), then the challenge and the record in one transaction: a failure
 * to record puts the challenge back. A retry after success (same challenge, same key) returns
 * the certificate already issued, so the SCEP activity is idempotent.
 */
export async function issueFromCsr(
  db: Kysely<CoreDatabase>,
  request: IssueFromCsrRequest,
): Promise<IssueOutcome> {
  let csr: ReturnType<typeof checkCsr>;
  try {
    csr = checkCsr(request.csrDer);
  } catch (error) {
    if (error instanceof CsrPolicyError)
      return { status: 'rejected', reason: error.code, message: error.message };
    throw error;
  }
  const challenge = csr.challengePassword;
  if (!challenge || !isWellFormedChallenge(challenge))
    return { status: 'rejected', reason: 'unknown', message: 'the CSR carries no valid challenge' };
  const challengeHash = hashChallenge(challenge, request.challengePepper);

  return db.transaction().execute(async (trx): Promise<IssueOutcome> => {
    const check = await consumeChallenge(trx, challengeHash, request);
    if (!check.ok) {
      const earlier =
        check.reason === 'used' ? await findCertificateByChallenge(trx, challengeHash) : undefined;
      if (earlier && samePublicKey(earlier.der, csr.publicKey))
        return { status: 'issued', certificate: reissued(earlier) };
      return { status: 'rejected', reason: check.reason, message: `the challenge is ${check.reason}` };
    }
    const certificate = issueCertificate({
      ca: request.ca,
      publicKey: csr.publicKey,
      profile: request.profile,
      template: request.template,
      serial: generateSerialNumber(),
      now: request.now,
      ...(request.crlUrl ? { crlUrl: request.crlUrl } : {}),
    });
    await recordIssued(trx, certificate, request.profile, {
      ...(request.deviceId ? { deviceId: request.deviceId } : {}),
      ...(request.enrollmentId ? { enrollmentId: request.enrollmentId } : {}),
      ...(request.renewalOf ? { renewalOf: request.renewalOf } : {}),
      challengeHash,
    });
    return { status: 'issued', certificate };
  });
}

/** Whether a stored certificate certifies this key: a retried request (same key) gets the same certificate. */
export function samePublicKey(der: Buffer, key: KeyObject): boolean {
  return new X509Certificate(der).publicKey.equals(key);
}

/** A stored certificate, handed back as if just issued (for an idempotent retry). */
export function reissued(row: {
  der: Buffer;
  serial_hex: string;
  not_before: Date;
  not_after: Date;
  sha256_fingerprint: string;
}): IssuedCertificate {
  return {
    der: row.der,
    pem: derToPem(row.der, 'CERTIFICATE'),
    serialHex: row.serial_hex,
    notBefore: row.not_before,
    notAfter: row.not_after,
    sha256Fingerprint: row.sha256_fingerprint,
  };
}

/** One CA's CRL: the CA's subjectKeyIdentifier (hex, the last part of its CRL's URL) and the DER. */
export interface CaCrl {
  issuerKeyId: string;
  number: number;
  der: Buffer;
}

/**
 * Builds and records the next CRL of every CRL-signing CA (oldest first) from the revoked, unexpired certificates
 * each issued. CRL numbers come from one counter, so each CA's are increasing too (RFC 5280 §5.2.3).
 */
export async function publishCrls(
  db: Kysely<CoreDatabase>,
  cas: readonly CertificateAuthority[],
  options: { now: Date; validityHours: number },
): Promise<{ crls: CaCrl[] }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('keep.pki.crl'))`.execute(trx);
    let number = (await findLatestCrl(trx))?.number ?? 0;
    const nextUpdate = new Date(options.now.getTime() + options.validityHours * 3_600_000);
    const revoked = await listRevokedCertificates(trx, options.now);
    const crls: CaCrl[] = [];
    for (const ca of cas) {
      const issuerKeyId = ca.keyId.toString('hex');
      number++;
      const der = buildCrl({
        ca,
        crlNumber: number,
        revoked: revoked.filter((entry) => entry.issuerKeyId === issuerKeyId),
        thisUpdate: options.now,
        nextUpdate,
      });
      await recordCrl(trx, {
        number,
        next_update: nextUpdate,
        der,
        published_at: options.now,
        issuer_key_id: issuerKeyId,
      });
      crls.push({ issuerKeyId, number, der });
    }
    return { crls };
  });
}

/**
 * A retired issuing CA keeps its key only to sign the CRL of what it issued: once the last certificate it issued
 * has expired (a certificate never outlives its CA), the key is destroyed and the certificate kept on record.
 * Certificates recorded before issuers were kept count for every CA. Returns how many keys were destroyed.
 */
export async function destroyExpiredCaKeys(db: Kysely<CoreDatabase>, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('keep.pki.ca'))`.execute(trx);
    let destroyed = 0;
    for (const row of await findCrlSigningCas(trx, 'retired')) {
      const [der] = pemBlocks(row.certificate_pem, 'CERTIFICATE');
      const keyId = subjectKeyIdOf(Certificate.fromBER(der!)).toString('hex');
      const live = await trx
        .selectFrom('certificates')
        .select('serial_hex')
        .where((eb) => eb.or([eb('issuer_key_id', '=', keyId), eb('issuer_key_id', 'is', null)]))
        .where('not_after', '>', now)
        .limit(1)
        .executeTakeFirst();
      if (live) continue;
      await trx.updateTable('ca_keys').set({ sealed_private_key: null }).where('id', '=', row.id).execute();
      destroyed++;
    }
    return destroyed;
  });
}

/**
 * An old root stays `retiring` (trusted and published) while anything chains to it: once every issuing CA it
 * certified is retired and has had its key destroyed (its last certificate expired, see destroyExpiredCaKeys),
 * the root is `retired`, leaves the chain the edges serve, and its key is destroyed, its certificate kept on
 * record. Returns how many roots were retired.
 */
export async function retireExpiredRoots(db: Kysely<CoreDatabase>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('keep.pki.ca'))`.execute(trx);
    const rows = await trx
      .selectFrom('ca_keys')
      .selectAll()
      .where('purpose', 'in', ['root', 'issuing'])
      .execute();
    let retired = 0;
    for (const root of rows.filter((row) => row.purpose === 'root' && row.state === 'retiring')) {
      const rootCertificate = new X509Certificate(root.certificate_pem);
      // Both roots bear one name: only the signature tells which one certified an issuing CA.
      const underIt = rows.filter((row) => {
        if (row.purpose !== 'issuing') return false;
        const issuing = new X509Certificate(row.certificate_pem);
        return issuing.checkIssued(rootCertificate) && issuing.verify(rootCertificate.publicKey);
      });
      if (underIt.some((row) => row.state !== 'retired' || row.sealed_private_key !== null)) continue;
      await trx
        .updateTable('ca_keys')
        .set({ state: 'retired', sealed_private_key: null })
        .where('id', '=', root.id)
        .execute();
      retired++;
    }
    return retired;
  });
}
