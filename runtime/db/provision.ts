// Creates Keep's two Postgres roles, a database and its two schemas, each schema owned by its plane's role.
import pg from 'pg';

export interface PlaneRoles {
  edge: { name: string; password: string };
  core: { name: string; password: string };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Cluster-wide and idempotent: creates the roles if missing and (re)sets their passwords. */
export async function provisionRoles(superuserUrl: string, roles: PlaneRoles): Promise<void> {
  await withClient(superuserUrl, async (client) => {
    for (const role of [roles.edge, roles.core]) {
      const name = client.escapeIdentifier(role.name);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
      if (exists.rowCount === 0) await client.query(`CREATE ROLE ${name} LOGIN`);
      await client.query(
        `ALTER ROLE ${name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${client.escapeLiteral(role.password)}`,
      );
    }
  });
}

/**
 * Idempotent: creates the database if missing, closes it to PUBLIC, and gives each plane's role its own
 * schema and nothing else — so the edge role is refused on every core table.
 */
export async function provisionDatabase(
  superuserUrl: string,
  database: string,
  roles: PlaneRoles,
): Promise<void> {
  const db = (c: pg.Client) => c.escapeIdentifier(database);
  await withClient(superuserUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${db(client)}`);
  });
  const url = new URL(superuserUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  await withClient(url.toString(), async (client) => {
    const edge = client.escapeIdentifier(roles.edge.name);
    const core = client.escapeIdentifier(roles.core.name);
    await client.query(`REVOKE ALL ON DATABASE ${db(client)} FROM PUBLIC`);
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db(client)} TO ${edge}, ${core}`);
    await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    await client.query(`CREATE SCHEMA IF NOT EXISTS edge AUTHORIZATION ${edge}`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS core AUTHORIZATION ${core}`);
    await client.query(`REVOKE ALL ON SCHEMA edge FROM PUBLIC`);
    await client.query(`REVOKE ALL ON SCHEMA core FROM PUBLIC`);
    await client.query(`ALTER ROLE ${edge} IN DATABASE ${db(client)} SET search_path = edge`);
    await client.query(`ALTER ROLE ${core} IN DATABASE ${db(client)} SET search_path = core`);
  });
}

/** The URL a plane connects with: the superuser URL's host and port, the plane role's credentials. */
export function planeUrl(
  superuserUrl: string,
  database: string,
  role: { name: string; password: string },
): string {
  const url = new URL(superuserUrl);
  url.username = encodeURIComponent(role.name);
  url.password = encodeURIComponent(role.password);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
