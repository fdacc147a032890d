// The APNs push certificate as installed at the edge: the key sealed with the edge's own key ring.
import type { Generated, Selectable } from 'kysely';

export interface EdgePushCertificateTable {
  topic: string;
  cert_pem: string;
  sealed_key: string;
  not_after: Date;
  installed_at: Generated<Date>;
}

export type EdgePushCertificate = Selectable<EdgePushCertificateTable>;
