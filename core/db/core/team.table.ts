// Teams: the scope of a role grant; a device may belong to several.
import type { Generated, Selectable } from 'kysely';

export interface TeamTable {
  id: Generated<string>;
  name: string;
  /** Devices of this team enrol and renew only with a hardware-attested (ACME device-attest-01) identity. */
  require_attestation: Generated<boolean>;
  /** Revealing an escrowed secret of a device of this team needs a second admin, whatever the global setting. */
  require_reveal_approval: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface DeviceTeamTable {
  device_id: string;
  team_id: string;
}

export type Team = Selectable<TeamTable>;
