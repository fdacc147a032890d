// APNs MDM push certificates; the private key is sealed with the core key ring, never stored in clear.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface PushCertificateTable {
  id: string;
  topic: string;
  serial_number: string;
  common_name: string | null;
  not_before: Date;
  not_after: Date;
  cert_pem: string;
  /** KeyRing.sealToString of the key PEM, AAD-bound to `push-certificate:<id>`. */
  sealed_key: string;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export type PushCertificateRow = Selectable<PushCertificateTable>;
export type NewPushCertificateRow = Insertable<PushCertificateTable>;
