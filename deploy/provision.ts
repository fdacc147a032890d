// One-shot setup of a production database from the planes' own config files: both roles, the database and its
// two schemas (as the dev stack does), then both migrations. Idempotent, so it runs before every upgrade.
// Usage: KEEP_PROVISION_SUPERUSER_URL=postgres://… node --import tsx deploy/provision.ts core.yaml edge.yaml
import { provisionDatabase, provisionRoles, type PlaneRoles } from '../runtime/db/provision.js';
import { migrateToLatest } from '../runtime/db/migrate.js';
import { coreProcessConfig, edgeProcessConfig } from '../core/config/config.schema.js';
import { ConfigError, loadConfig } from '../core/config/load-config.js';

function role(url: URL): { name: string; password: string } {
  return { name: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

async function main([coreFile, edgeFile]: string[]): Promise<void> {
  const superuserUrl = process.env.KEEP_PROVISION_SUPERUSER_URL;
  if (!superuserUrl || !coreFile || !edgeFile)
    throw new ConfigError('usage: KEEP_PROVISION_SUPERUSER_URL=… provision.ts <core config> <edge config>');
  // Only the files count: the environment of this one-shot holds no plane settings.
  const coreUrl = loadConfig(coreProcessConfig, { file: coreFile, env: {} }).database.url;
  const edgeUrl = loadConfig(edgeProcessConfig, { file: edgeFile, env: {} }).edgeDatabase.url;
  const core = new URL(coreUrl);
  const edge = new URL(edgeUrl);
  const database = decodeURIComponent(core.pathname.slice(1));
  if (decodeURIComponent(edge.pathname.slice(1)) !== database)
    throw new ConfigError('database.url and edgeDatabase.url must name the same database');
  const roles: PlaneRoles = { core: role(core), edge: role(edge) };
  await provisionRoles(superuserUrl, roles);
  await provisionDatabase(superuserUrl, database, roles);
  console.log('edge:', (await migrateToLatest('edge', edgeUrl)).join(', ') || 'up to date');
  console.log('core:', (await migrateToLatest('core', coreUrl)).join(', ') || 'up to date');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Messages only (Postgres's and the config's never hold the password); no stack, no error object dump.
  console.error(`provision: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
