// Every certificate Keep's CA issued: the serial registry, the fingerprint index and revocation state.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { RevocationReason } from '../../pki/crl.js';
import type { LeafProfileName } from '../../pki/certificate-profile.js';

export interface CertificateTable {
  /** Lowercase hex, no leading zeros (serialToHex); unique, so a repeated random serial fails loudly. */
  serial_hex: string;
  subject: string;
  profile: LeafProfileName;
  device_id: string | null;
  enrollment_id: string | null;
  not_before: Date;
  not_after: Date;
  /** Lowercase hex SHA-256 of the DER. */
  sha256_fingerprint: string;
  der: Buffer;
  /** The SCEP challenge this certificate consumed, so a retried issuance returns the same certificate. */
  challenge_hash: string | null;
  /** For a renewed device identity: the fingerprint of the certificate it replaces (unique: one renewal each). */
  renewal_of: Generated<string | null>;
  issued_at: Generated<Date>;
  /** What Apple vouched for when the identity was issued through ACME device-attest-01; null for SCEP. */
  attestation: ColumnType<AttestedFacts | null, string | undefined, string>;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  /** Hex authorityKeyIdentifier: the CA key that issued it, whose CRL lists it. Null on rows from before. */
  issuer_key_id: Generated<string | null>;
}

/** The attested facts of a hardware-bound identity, as the admin API shows them. */
export interface AttestedFacts {
  serialNumber?: string;
  udid?: string;
  osVersion?: string;
  /** When the attestation's freshness code was checked (it is SHA-256 of a challenge token used once). */
  attestedAt: string;
}

export type CertificateRecord = Selectable<CertificateTable>;
export type NewCertificateRecord = Insertable<CertificateTable>;
/** The attested facts of a hardware-bound identity, as the admin API shows them. */
export interface AttestedFacts {
  serialNumber?: string;
  udid?: string;
  osVersion?: string;
  /** When the attestation's freshness code was checked (it is SHA-256 of a challenge token used once). */
  attestedAt: string;
}

export type CertificateRecordUpdate = Updateable<CertificateTable>;
