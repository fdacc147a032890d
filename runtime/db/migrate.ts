// Runs a plane's migrations (core/db/migrations/<plane>) as that plane's own role.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Plane } from '../../core/db/schemas.js';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Every `.ts`/`.js` file of the plane's folder, in name (timestamp) order. */
class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: URL) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const dir = fileURLToPath(this.folder);
    const files = (await readdir(dir)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const name = file.replace(/\.(ts|js)$/, '');
      migrations[name] = (await import(pathToFileURL(`${dir}/${file}`).href)) as Migration;
    }
    return migrations;
  }
}

export function migrationFolder(plane: Plane): URL {
  return new URL(`../../core/db/migrations/${plane}/`, import.meta.url);
}

/** Brings the plane's schema to the latest migration; returns the names applied now. */
export async function migrateToLatest(plane: Plane, url: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({
      db,
      provider: new FolderMigrationProvider(migrationFolder(plane)),
      migrationTableSchema: plane,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new MigrationError(`${plane} migration ${failed} failed`, { cause: error });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}
