// Who is calling the admin API, as the authentication middleware leaves it on the request context.
import type { Role } from './rbac.js';

export interface TeamRole {
  teamId: string;
  role: Role;
}

export interface Principal {
  /** Written to the audit log: `bootstrap`, `token:<api token id>` or `user:<directory user id>`. */
  subject: string;
  /** Roles held everywhere. */
  roles: readonly Role[];
  /** Roles held only over the devices of one team. */
  teamRoles: readonly TeamRole[];
}

export interface AdminEnv {
  Variables: { principal: Principal };
}
