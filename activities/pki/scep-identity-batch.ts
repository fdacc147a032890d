// Device identities for a batch of SCEP PKCSReqs with one statement per table, not a few per certificate:
// one read of the challenges, one conditional UPDATE that uses them and one INSERT of the certificates (in
// one transaction, so a failure to record puts every challenge back), and one read for retries.
// The rules are issueFromCsr's: one-time, unexpired challenges of the right purpose, bound as claimed; a retry
// with the same key gets the certificate first issued.
import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { CertificateAuthority } from '../../core/pki/certificate-authority.js';
import { checkCsr, CsrPolicyError } from '../../core/pki/csr-policy.js';
import { issueCertificate, type IssuedCertificate } from '../../core/pki/issue-certificate.js';
import {
  checkChallenge,
  hashChallenge,
  isWellFormedChallenge,
  type ChallengeBinding,
} from '../../core/pki/scep-challenge.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import { issuedRecord, reissued, samePublicKey } from './ca-operations.js';
import { findCertificatesByChallenge, recordCertificates } from './certificate.repository.js';
import { consumeChallenges, findChallenges } from './scep-challenge.repository.js';
import type { SignOutcome } from './pki.activities.js';

export interface ScepIdentityRequest {
  csrDer: Buffer;
  /** The enrollment the request's URL named; a challenge bound to another one is foreign. */
  enrollmentId?: string;
}

export interface ScepIdentityContext {
  ca: CertificateAuthority;
  challengePepper: Uint8Array;
  organization: string;
  validityDays: number;
  crlUrl?: string;
  now: Date;
}

/** Without an enrollment in the URL or a known challenge, the binding nothing can match. */
const NO_BINDING: ChallengeBinding = { kind: 'enrollment', id: '00000000-0000-0000-0000-000000000000' };

interface Candidate {
  index: number;
  hash: string;
  publicKey: KeyObject;
  boundTo: ChallengeBinding;
}

/**
 * One outcome per request, in order; `undefined` for a request whose challenge renews an identity, which
 * the caller signs on its own (renewals are rare and read the enrollment's current identity first).
 */
export async function issueScepIdentities(
  db: Kysely<CoreDatabase>,
  requests: readonly ScepIdentityRequest[],
  context: ScepIdentityContext,
): Promise<Array<SignOutcome | undefined>> {
  const outcomes: Array<SignOutcome | undefined> = [];
  const parsed: Array<{ index: number; hash: string; publicKey: KeyObject }> = [];
  requests.forEach((request, index) => {
    try {
      const csr = checkCsr(request.csrDer);
      const challenge = csr.challengePassword;
      if (!challenge || !isWellFormedChallenge(challenge)) {
        outcomes[index] = { status: 'rejected', reason: 'unknown' };
        return;
      }
      parsed.push({
        index,
        hash: hashChallenge(challenge, context.challengePepper),
        publicKey: csr.publicKey,
      });
    } catch (error) {
      if (!(error instanceof CsrPolicyError)) throw error;
      outcomes[index] = { status: 'rejected', reason: error.code };
    }
  });

  const records = await findChallenges(
    db,
    parsed.map(({ hash }) => hash),
  );
  const fresh: Candidate[] = [];
  /** Requests whose challenge is used already (or by an earlier request of this batch): retries, maybe. */
  const used: Candidate[] = [];
  const claimed = new Set<string>();
  for (const { index, hash, publicKey } of parsed) {
    const record = records.get(hash);
    if (record?.purpose === 'identity-renewal') continue;
    const enrollmentId = requests[index]!.enrollmentId;
    const boundTo = enrollmentId
      ? { kind: 'enrollment' as const, id: enrollmentId }
      : (record?.boundTo ?? NO_BINDING);
    const candidate = { index, hash, publicKey, boundTo };
    const check = checkChallenge(record, { purpose: 'device-identity', boundTo, now: context.now });
    if (check.ok && !claimed.has(hash)) {
      claimed.add(hash);
      fresh.push(candidate);
    } else if (check.ok || check.reason === 'used') used.push(candidate);
    else outcomes[index] = { status: 'rejected', reason: check.reason };
  }

  // Signed before the transaction, which then holds its locks for two statements only; a certificate
  // whose challenge another request takes meanwhile is never recorded, so it never existed. Between two
  // signatures (≈ 3 ms each) the worker's other tasks get the event loop.
  const issued = new Map<number, IssuedCertificate>();
  for (const { index, publicKey, boundTo } of fresh) {
    issued.set(
      index,
      issueCertificate({
        ca: context.ca,
        publicKey,
        profile: 'device-identity',
        template: {
          commonName: `keep-enrollment-${boundTo.id}`,
          sans: [{ type: 'uri', value: `urn:keep:${boundTo.kind}:${boundTo.id}` }],
          organization: context.organization,
          validityDays: context.validityDays,
        },
        serial: generateSerialNumber(),
        now: context.now,
        ...(context.crlUrl ? { crlUrl: context.crlUrl } : {}),
      }),
    );
    await setImmediate();
  }
  const won = await db.transaction().execute(async (trx) => {
    const consumed = await consumeChallenges(trx, fresh, { purpose: 'device-identity', now: context.now });
    await recordCertificates(
      trx,
      fresh
        .filter(({ hash }) => consumed.has(hash))
        .map(({ index, hash, boundTo }) =>
          issuedRecord(issued.get(index)!, 'device-identity', {
            ...(boundTo.kind === 'enrollment' ? { enrollmentId: boundTo.id } : {}),
            challengeHash: hash,
          }),
        ),
    );
    return consumed;
  });
  for (const candidate of fresh) {
    if (won.has(candidate.hash))
      outcomes[candidate.index] = issuedOutcome(issued.get(candidate.index)!, candidate);
    else used.push(candidate);
  }

  // What lost a race since the first read says why now (it may have expired); a used challenge answers a
  // retry with the same key by the certificate it was used for.
  const lost = used.filter(({ hash }) => !won.has(hash) && !records.get(hash)?.usedAt);
  const reread = lost.length
    ? await findChallenges(
        db,
        lost.map(({ hash }) => hash),
      )
    : new Map();
  const earlier = new Map(
    (await findCertificatesByChallenge(db, [...new Set(used.map(({ hash }) => hash))])).map((row) => [
      row.challenge_hash!,
      row,
    ]),
  );
  for (const candidate of used) {
    const certificate = earlier.get(candidate.hash);
    if (certificate && samePublicKey(certificate.der, candidate.publicKey)) {
      outcomes[candidate.index] = issuedOutcome(reissued(certificate), candidate);
      continue;
    }
    const check = lost.includes(candidate)
      ? checkChallenge(reread.get(candidate.hash), {
          purpose: 'device-identity',
          boundTo: candidate.boundTo,
          now: context.now,
        })
      : undefined;
    outcomes[candidate.index] = { status: 'rejected', reason: check && !check.ok ? check.reason : 'used' };
  }
  return requests.map((_, index) => outcomes[index]);
}

function issuedOutcome(
  certificate: IssuedCertificate,
  { boundTo }: { boundTo: ChallengeBinding },
): SignOutcome {
  return {
    status: 'issued',
    certificateBase64: certificate.der.toString('base64'),
    fingerprint: certificate.sha256Fingerprint,
    ...(boundTo.kind === 'enrollment' ? { enrollmentId: boundTo.id } : {}),
  };
}
