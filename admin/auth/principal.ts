// Who is calling the admin API, as the authentication middleware leaves it on the request context.
import type { Role } from './rbac.js';

export interface Principal {
  /** Written to the audit log: `bootstrap` or `token:<api token id>`. */
  subject: string;
  role: Role;
}

export interface AdminEnv {
  Variables: { principal: Principal };
}
