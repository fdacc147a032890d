// Every table of the "edge" schema: queues, push tokens and certificate bindings, nothing sensitive.
import type { CommandQueueTable, CommandResultTable } from './edge/command-queue.table.js';
import type { AppleEnrollmentTable } from './edge/apple-enrollment.table.js';
import type { AppleDeclarationSetTable } from './edge/apple-declaration-set.table.js';
import type { AppleDeclarationProfileTable } from './edge/apple-declaration-profile.table.js';
import type { AppleUserChannelTable } from './edge/apple-user-channel.table.js';
import type { OutboxTable } from './edge/outbox.table.js';
import type { EdgePushCertificateTable } from './edge/push-certificate.table.js';
import type { CaChainTable, RevokedCertificateTable } from './edge/trust.table.js';
import type { CrlTable, IssuedIdentityTable, ScepRaTable } from './edge/scep.table.js';
import type { CaCrlTable } from './edge/scep.table.js';
import type { AcmeAccountTable, AcmeNonceTable, AcmeOrderTable } from './edge/acme.table.js';
import type { PlaneCheckTable } from './plane-check.table.js';
import type { WindowsCommandTable, WindowsEnrollmentTable } from './edge/windows.table.js';

export interface EdgeDatabase {
  plane_checks: PlaneCheckTable;
  apple_enrollments: AppleEnrollmentTable;
  command_queue: CommandQueueTable;
  command_results: CommandResultTable;
  outbox: OutboxTable;
  push_certificates: EdgePushCertificateTable;
  ca_chain: CaChainTable;
  revoked_certificates: RevokedCertificateTable;
  scep_ra: ScepRaTable;
  issued_identities: IssuedIdentityTable;
  crl: CrlTable;
  ca_crls: CaCrlTable;
  windows_enrollments: WindowsEnrollmentTable;
  windows_commands: WindowsCommandTable;
  apple_declaration_sets: AppleDeclarationSetTable;
  apple_declaration_profiles: AppleDeclarationProfileTable;
  apple_user_channels: AppleUserChannelTable;
  acme_nonces: AcmeNonceTable;
  acme_accounts: AcmeAccountTable;
  acme_orders: AcmeOrderTable;
}
