// The core's certificate-authority activities: sign SCEP requests, certify the edge's RA, issue challenges,
// revoke and publish the CRL. The CA key is opened here, in the core worker, and nowhere else.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { RevocationReason } from '../../core/pki/crl.js';
import { pemBlocks } from '../../core/pki/pem.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import { issueCertificate, type IssuedCertificate } from '../../core/pki/issue-certificate.js';
import { checkCsr, CsrPolicyError, CSR_SEALING_CONTEXT } from '../../core/pki/csr-policy.js';
import { coreSealingKey } from '../../core/crypto/core-sealing-key.js';
import { enrollmentUri } from '../../core/pki/device-identity-profile.js';
import {
  generateChallenge,
  hashChallenge,
  type ChallengeBinding,
  type ChallengePurpose,
} from '../../core/pki/scep-challenge.js';
import { createCaLoader, crlUrlFor, type CaLoader } from './ca-loader.js';
import {
  destroyExpiredCaKeys,
  retireExpiredRoots,
  issueFromCsr,
  publishCrls,
  recordIssued,
  reissued,
  samePublicKey,
} from './ca-operations.js';
import {
  findCertificateByFingerprint,
  findCurrentIdentity,
  findRenewalOf,
  revokeCertificate,
} from './certificate.repository.js';
import { createChallenge, findChallenge } from './scep-challenge.repository.js';
import { issueScepIdentities } from './scep-identity-batch.js';
import { findExpectedDevice } from './attested-device.repository.js';
import { AcmeProblem } from '../../core/acme/acme-problem.js';
import type { AttestationRequirement } from './attestation-requirement.js';
import { APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM } from '../../core/acme/apple-enterprise-attestation-root.js';
import { attestationRoots, verifyAppleAttestation } from '../../core/acme/apple-attestation.js';

export interface PkiSettings {
  organization: string;
  edgePublicUrl: string;
  deviceCertificateDays: number;
  challengeMinutes: number;
  /** thisUpdate to nextUpdate of each CRL published. */
  crlValidityHours: number;
  /** Every edge's task queue; each must learn every revocation. */
  edgeTaskQueues: readonly string[];
  /** The roots a device-attest-01 attestation must end at (absent: Apple's, pinned). */
  acmeAttestationRootFile?: string;
  /** Zero-touch enrollment profiles carry an attested ACME identity instead of SCEP. */
  appleAcmeIdentity?: boolean;
}

export interface Revocation {
  revoked: Array<{ fingerprint: string; serial: string; revokedAt: string }>;
  /** The CRL served at /pki/crl, the URL certificates issued before one CRL per CA name: the oldest CA's. */
  crlBase64: string;
  /** Every CRL-signing CA's own CRL, served at /pki/crl/<issuerKeyId>; absent in results from before. */
  crls?: PublishedCrl[];
}

/** One CA's CRL as it crosses to the edges. */
export interface PublishedCrl {
  issuerKeyId: string;
  crlBase64: string;
}

export type SignOutcome =
  | {
      status: 'issued';
      certificateBase64: string;
      enrollmentId?: string;
      fingerprint: string;
      /** For a renewal: the fingerprint of the certificate the new one replaces. */
      renewalOf?: string;
    }
  | { status: 'rejected'; reason: string };

/** What to revoke: one certificate (by serial or fingerprint), or every device identity of an enrollment. */
export type RevocationTarget = { serialHex: string } | { fingerprint: string } | { enrollmentId: string };

const revokedEntry = (row: { sha256_fingerprint: string; serial_hex: string; revoked_at: Date | null }) => ({
  fingerprint: row.sha256_fingerprint,
  serial: row.serial_hex,
  revokedAt: row.revoked_at!.toISOString(),
});

function issuedOutcome(issued: IssuedCertificate, enrollmentId: string, renewalOf: string): SignOutcome {
  return {
    status: 'issued',
    certificateBase64: issued.der.toString('base64'),
    fingerprint: issued.sha256Fingerprint,
    enrollmentId,
    renewalOf,
  };
}

/** HMAC pepper for challenge hashes, derived from the core's primary at-rest key. */
export function challengePepper(keyRing: KeyRing): Buffer {
  return createHash('sha256').update('keep/scep-challenge-pepper/').update(keyRing.primary.key).digest();
}

export function createPkiActivities(deps: {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  pki: PkiSettings;
  ca?: CaLoader;
  /** Enrollments whose team requires attestation get no SCEP identity (absent: none does). */
  attestationRequired?: AttestationRequirement;
}) {
  const { db, keyRing, pki } = deps;
  const attestationRequired = deps.attestationRequired ?? (() => Promise.resolve(false));
  const crlUrl = crlUrlFor(pki.edgePublicUrl);
  const ca = deps.ca ?? createCaLoader(db, keyRing, { organization: pki.organization, crlUrl });
  const pepper = challengePepper(keyRing);
  const sealing = coreSealingKey(keyRing);
  const openCsr = (sealedCsr: string) => sealing.open(sealedCsr, CSR_SEALING_CONTEXT);
  const attestationAnchors = attestationRoots(
    pki.acmeAttestationRootFile
      ? readFileSync(pki.acmeAttestationRootFile, 'utf8')
      : APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM,
  );
  /** Publishes every CRL-signing CA's CRL at `now`; the oldest CA's also answers at /pki/crl. */
  const publishFreshCrls = async (now = new Date()): Promise<Pick<Revocation, 'crlBase64' | 'crls'>> => {
    const { crls } = await publishCrls(db, (await ca()).crlIssuers, {
      now,
      validityHours: pki.crlValidityHours,
    });
    return {
      crlBase64: crls[0]!.der.toString('base64'),
      crls: crls.map((crl) => ({ issuerKeyId: crl.issuerKeyId, crlBase64: crl.der.toString('base64') })),
    };
  };

  const activities = {
    /**
     * The CA chain the edge trusts and hands out (issuing first, root last), as base64 DER; during a rollover
     * the issuing CA coming or going is published too, so identities from either verify.
     */
    async caChain(): Promise<Array<{ derBase64: string; role: 'root' | 'issuing'; next?: true }>> {
      const { issuing, published, rolloverRoots } = await ca();
      const issuingDer = pemBlocks(issuing.certificatePem, 'CERTIFICATE')[0]!;
      return [
        { derBase64: issuingDer.toString('base64'), role: 'issuing' as const },
        ...published.map(({ der, next }) => ({
          derBase64: der.toString('base64'),
          role: 'issuing' as const,
          ...(next ? { next: true as const } : {}),
        })),
        // The cross-certificate goes before the successor root: a device that trusts only the old root must find
        // it first among certificates of the same name and key. The active root stays last (the anchor an
        // enrollment profile installs).
        ...[...rolloverRoots.crossCertificates, ...rolloverRoots.roots, ...issuing.chainDer].map((der) => ({
          derBase64: Buffer.from(der).toString('base64'),
          role: 'root' as const,
        })),
      ];
    },

    /** Certifies the edge's RA key (the edge keeps the key; the certificate cannot issue certificates). */
    async issueRaCertificate({
      csrBase64,
      edgeTaskQueue,
    }: {
      csrBase64: string;
      edgeTaskQueue: string;
    }): Promise<{ certificateBase64: string }> {
      const { issuing } = await ca();
      const csr = checkCsr(Buffer.from(csrBase64, 'base64'));
      const issued = issueCertificate({
        ca: issuing,
        publicKey: csr.publicKey,
        profile: 'scep-ra',
        template: {
          commonName: `Keep SCEP RA (${edgeTaskQueue})`,
          organization: pki.organization,
          validityDays: 365,
        },
        serial: generateSerialNumber(),
        now: new Date(),
        crlUrl,
      });
      await recordIssued(db, issued, 'scep-ra', {});
      return { certificateBase64: issued.der.toString('base64') };
    },

    /** A fresh single-use challenge; only its hash is stored. The plaintext goes into one profile. */
    async createScepChallenge(input: {
      purpose: ChallengePurpose;
      boundTo: ChallengeBinding;
      minutes?: number;
    }): Promise<{ challenge: string; expiresAt: string }> {
      const challenge = generateChallenge();
      const expiresAt = new Date(Date.now() + (input.minutes ?? pki.challengeMinutes) * 60_000);
      await createChallenge(db, {
        hash: hashChallenge(challenge, pepper),
        purpose: input.purpose,
        boundTo: input.boundTo,
        expiresAt,
      });
      return { challenge, expiresAt: expiresAt.toISOString() };
    },

    /**
     * Signs a device-identity CSR from SCEP. `enrollmentId` is what the request's URL claimed; a
     * challenge bound to another enrollment is foreign. Idempotent: a retry returns the same certificate.
     */
    async signScepRequest(input: { sealedCsr: string; enrollmentId?: string }): Promise<SignOutcome> {
      const csrDer = openCsr(input.sealedCsr);
      let binding: ChallengeBinding | undefined;
      let purpose: ChallengePurpose = 'device-identity';
      try {
        const challenge = checkCsr(csrDer).challengePassword;
        const record = challenge ? await findChallenge(db, hashChallenge(challenge, pepper)) : undefined;
        binding = record?.boundTo;
        if (record?.purpose === 'identity-renewal') purpose = 'identity-renewal';
      } catch {
        // checkCsr's verdict is given below by issueFromCsr, with its reason.
      }
      const boundTo = input.enrollmentId
        ? { kind: 'enrollment' as const, id: input.enrollmentId }
        : (binding ?? { kind: 'enrollment' as const, id: '00000000-0000-0000-0000-000000000000' });
      const enrollmentId = boundTo.kind === 'enrollment' ? boundTo.id : undefined;
      // A stolen challenge (or one from before the team's rule) gets no identity for such a device.
      if (enrollmentId && (await attestationRequired(enrollmentId)))
        return { status: 'rejected', reason: 'attestation-required' };
      // A renewal challenge renews the enrollment's current identity (the edge rebinds to the successor on
      // first use, and the predecessor is revoked then); with none left to renew, the challenge is no use.
      const current =
        purpose === 'identity-renewal' && enrollmentId
          ? await findCurrentIdentity(db, enrollmentId)
          : undefined;
      if (purpose === 'identity-renewal' && !current)
        return { status: 'rejected', reason: 'unknown-certificate' };
      const { issuing } = await ca();
      const outcome = await issueFromCsr(db, {
        ca: issuing,
        csrDer,
        profile: 'device-identity',
        template: {
          commonName: `keep-enrollment-${boundTo.id}`,
          sans: [{ type: 'uri', value: `urn:keep:${boundTo.kind}:${boundTo.id}` }],
          organization: pki.organization,
          validityDays: pki.deviceCertificateDays,
        },
        purpose,
        boundTo,
        challengePepper: pepper,
        ...(enrollmentId ? { enrollmentId } : {}),
        ...(current
          ? { renewalOf: current.sha256_fingerprint, deviceId: current.device_id ?? undefined }
          : {}),
        crlUrl,
        now: new Date(),
      });
      if (outcome.status === 'rejected') return { status: 'rejected', reason: outcome.reason };
      // A retry is answered with the certificate first issued: what it renewed is read from its record.
      const renewalOf =
        purpose === 'identity-renewal'
          ? (await findCertificateByFingerprint(db, outcome.certificate.sha256Fingerprint))?.renewal_of
          : undefined;
      return {
        status: 'issued',
        certificateBase64: outcome.certificate.der.toString('base64'),
        fingerprint: outcome.certificate.sha256Fingerprint,
        ...(enrollmentId ? { enrollmentId } : {}),
        ...(renewalOf ? { renewalOf } : {}),
      };
    },

    /**
     * `signScepRequest` for a batch, with one statement per table for the batch (scep-identity-batch.ts);
     * a request whose challenge renews an identity is signed on its own.
     */
    async signScepRequests(input: {
      items: Array<{ sealedCsr: string; enrollmentId?: string }>;
    }): Promise<SignOutcome[]> {
      // Requests for an enrollment that must attest, and those whose enrollment only their challenge names, go
      // one by one through signScepRequest, which refuses the former and checks the latter's binding first.
      const refused = new Set<string>();
      for (const id of new Set(input.items.flatMap((item) => item.enrollmentId ?? [])))
        if (await attestationRequired(id)) refused.add(id);
      const batchable = input.items.filter((item) => item.enrollmentId && !refused.has(item.enrollmentId));
      const { issuing } = await ca();
      const batched = await issueScepIdentities(
        db,
        batchable.map((item) => ({
          csrDer: openCsr(item.sealedCsr),
          ...(item.enrollmentId ? { enrollmentId: item.enrollmentId } : {}),
        })),
        {
          ca: issuing,
          challengePepper: pepper,
          organization: pki.organization,
          validityDays: pki.deviceCertificateDays,
          crlUrl,
          now: new Date(),
        },
      );
      const outcomes = new Map(batchable.map((item, i) => [item, batched[i]]));
      return Promise.all(
        input.items.map(async (item) => outcomes.get(item) ?? activities.signScepRequest(item)),
      );
    },

    /**
     * Signs an ACME device-attest-01 order. The edge verified the attestation already; the core checks it again
     * against its own roots (an edge could be compromised), then requires the CSR's key to be the attested key
     * and the attested serial number or UDID to belong to a device Keep expects, whose enrollment the
     * certificate is then bound to exactly as a SCEP identity is.
     */
    async signAttestedRequest(input: {
      sealedCsr: string;
      attestationBase64: string;
      token: string;
    }): Promise<SignOutcome> {
      let attested: ReturnType<typeof verifyAppleAttestation>;
      try {
        attested = verifyAppleAttestation({
          attObj: Buffer.from(input.attestationBase64, 'base64'),
          token: input.token,
          roots: attestationAnchors,
          now: new Date(),
        });
      } catch (error) {
        if (error instanceof AcmeProblem) return { status: 'rejected', reason: 'bad-attestation' };
        throw error;
      }
      let csr: ReturnType<typeof checkCsr>;
      try {
        csr = checkCsr(openCsr(input.sealedCsr));
      } catch (error) {
        if (error instanceof CsrPolicyError) return { status: 'rejected', reason: error.code };
        throw error;
      }
      if (!csr.publicKey.export({ type: 'spki', format: 'der' }).equals(attested.publicKeySpki))
        return { status: 'rejected', reason: 'key-not-attested' };
      const expected = await findExpectedDevice(db, attested);
      if (!expected) return { status: 'rejected', reason: 'unknown-device' };
      // An enrollment that has an identity already is renewing it (a renewal profile, or the enrollment profile
      // installed again): the edge adopts the new one on first use and the old one is revoked then, as with SCEP.
      const current = await findCurrentIdentity(db, expected.enrollmentId);
      const { issuing } = await ca();
      const issued = issueCertificate({
        ca: issuing,
        publicKey: csr.publicKey,
        profile: 'device-identity',
        template: {
          commonName: `keep-enrollment-${expected.enrollmentId}`,
          sans: [{ type: 'uri', value: enrollmentUri(expected.enrollmentId) }],
          organization: pki.organization,
          validityDays: pki.deviceCertificateDays,
        },
        serial: generateSerialNumber(),
        now: new Date(),
        crlUrl,
      });
      await recordIssued(db, issued, 'device-identity', {
        ...(expected.deviceId ? { deviceId: expected.deviceId } : {}),
        enrollmentId: expected.enrollmentId,
        ...(current ? { renewalOf: current.sha256_fingerprint } : {}),
        attestation: {
          ...(attested.serialNumber ? { serialNumber: attested.serialNumber } : {}),
          ...(attested.udid ? { udid: attested.udid } : {}),
          ...(attested.osVersion ? { osVersion: attested.osVersion } : {}),
          attestedAt: new Date().toISOString(),
        },
      });
      return {
        status: 'issued',
        certificateBase64: issued.der.toString('base64'),
        fingerprint: issued.sha256Fingerprint,
        enrollmentId: expected.enrollmentId,
        ...(current ? { renewalOf: current.sha256_fingerprint } : {}),
      };
    },

    /**
     * Renews a device identity from a RenewalReq signed by `currentFingerprint` (the edge has checked that it
     * is the certificate bound to its enrollment). Only the latest identity of an enrollment may renew, and
     * only once: the same transaction retried (same key) gets the successor already issued back.
     */
    async renewIdentity(input: { sealedCsr: string; currentFingerprint: string }): Promise<SignOutcome> {
      const current = await findCertificateByFingerprint(db, input.currentFingerprint);
      if (!current || current.revoked_at || current.profile !== 'device-identity' || !current.enrollment_id)
        return { status: 'rejected', reason: 'unknown-certificate' };
      if (await attestationRequired(current.enrollment_id))
        return { status: 'rejected', reason: 'attestation-required' };
      let csr: ReturnType<typeof checkCsr>;
      try {
        csr = checkCsr(openCsr(input.sealedCsr));
      } catch (error) {
        if (error instanceof CsrPolicyError) return { status: 'rejected', reason: error.code };
        throw error;
      }
      const successor = await findRenewalOf(db, current.sha256_fingerprint);
      if (successor) {
        if (!samePublicKey(successor.der, csr.publicKey))
          return { status: 'rejected', reason: 'already-renewed' };
        return issuedOutcome(reissued(successor), current.enrollment_id, current.sha256_fingerprint);
      }
      const newer = await db
        .selectFrom('certificates')
        .select('serial_hex')
        .where('enrollment_id', '=', current.enrollment_id)
        .where('profile', '=', 'device-identity')
        // issued_at has microseconds and a JS Date only milliseconds: the certificate itself must not count.
        .where('sha256_fingerprint', '<>', current.sha256_fingerprint)
        .where('issued_at', '>=', current.issued_at)
        .executeTakeFirst();
      if (newer) return { status: 'rejected', reason: 'superseded' };
      const { issuing } = await ca();
      const issued = issueCertificate({
        ca: issuing,
        publicKey: csr.publicKey,
        profile: 'device-identity',
        template: {
          commonName: current.subject,
          sans: [{ type: 'uri', value: enrollmentUri(current.enrollment_id) }],
          organization: pki.organization,
          validityDays: pki.deviceCertificateDays,
        },
        serial: generateSerialNumber(),
        now: new Date(),
        crlUrl,
      });
      await recordIssued(db, issued, 'device-identity', {
        ...(current.device_id ? { deviceId: current.device_id } : {}),
        enrollmentId: current.enrollment_id,
        renewalOf: current.sha256_fingerprint,
      });
      return issuedOutcome(issued, current.enrollment_id, current.sha256_fingerprint);
    },

    /** The edges this core serves (`core.edgeTaskQueues`): every one of them must learn every revocation. */
    async edgeTaskQueues(): Promise<string[]> {
      return [...pki.edgeTaskQueues];
    },

    /**
     * Revokes by serial, by fingerprint, or every device identity of an enrollment (at check-out), and
     * publishes one new CRL; returns what the edges must refuse from now on.
     */
    async revokeAndPublish(input: RevocationTarget & { reason?: RevocationReason }): Promise<Revocation> {
      const revokedAt = new Date();
      const matching = () => {
        const query = db
          .selectFrom('certificates')
          .select(['sha256_fingerprint', 'serial_hex', 'revoked_at']);
        if ('serialHex' in input) return query.where('serial_hex', '=', input.serialHex.toLowerCase());
        if ('fingerprint' in input)
          return query.where('sha256_fingerprint', '=', input.fingerprint.toLowerCase());
        return query.where('enrollment_id', '=', input.enrollmentId).where('profile', '=', 'device-identity');
      };
      for (const row of await matching().where('revoked_at', 'is', null).execute())
        await revokeCertificate(db, row.serial_hex, input.reason ?? 'unspecified', revokedAt);
      // Already-revoked rows count too: a retried activity must hand the edge the same list.
      const rows = await matching().where('revoked_at', 'is not', null).execute();
      return { revoked: rows.map(revokedEntry), ...(await publishFreshCrls(revokedAt)) };
    },

    /** Everything revoked so far and the current CRL, for an edge that starts with an empty list. */
    async revocationList(): Promise<Revocation> {
      const rows = await db
        .selectFrom('certificates')
        .select(['sha256_fingerprint', 'serial_hex', 'revoked_at'])
        .where('revoked_at', 'is not', null)
        .execute();
      // Published afresh (an edge starts seldom): the CRLs of every CA that signs one now, none stale.
      return { revoked: rows.map(revokedEntry), ...(await publishFreshCrls()) };
    },

    /**
     * Publishes fresh CRLs (new thisUpdate and nextUpdate, expired entries dropped), for the crl-refresh schedule;
     * first destroys the key of a retired CA whose last certificate expired, which then publishes no more.
     */
    async refreshCrl(): Promise<Pick<Revocation, 'crlBase64' | 'crls'>> {
      await destroyExpiredCaKeys(db, new Date());
      return publishFreshCrls();
    },

    /** Retires an old root nothing chains to any more (after refreshCrl destroyed its issuing CAs' keys). */
    async retireExpiredRoots(): Promise<{ retired: number }> {
      return { retired: await retireExpiredRoots(db) };
    },
  };
  return activities;
}

export type PkiActivities = ReturnType<typeof createPkiActivities>;
