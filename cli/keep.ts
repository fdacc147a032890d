// The `keep` command: the dev stack, each process of a production deployment, migrations, key generation, and
// admin commands over the admin API (`keep apply`, `keep rollout`).
import { KeyRing } from '../core/crypto/key-ring.js';
import { ConfigError, loadConfig } from '../core/config/load-config.js';
import { adminProcessConfig, coreProcessConfig, edgeProcessConfig } from '../core/config/config.schema.js';

const usage = `usage: keep <command>
  dev            start the whole stack on embedded defaults (npm start)
  edge           run an edge process (device API + edge worker)
  core           run a core worker (workflows + core activities)
  admin          run the admin API
  migrate        migrate both schemas (KEEP_DATABASE_URL and KEEP_EDGE_DATABASE_URL)
  build-workflows [file]  bundle the workflows ahead of time (default dist/workflow-bundle.js)
  generate-key [id]       print a new key-ring entry for KEEP_TEMPORAL_PAYLOAD_KEYS or KEEP_CORE_SECRET_KEYS
  apply -f <dir> [--dry-run] [--json] [--prune]  make a folder of YAML (teams, policies, assignments) true on the server
  rollout start|watch|list|show|pause|resume|approve|abort [<id>] [--json]  start, watch, read or change policy rollouts`;

function untilSignal(close: () => Promise<void>): void {
  let closing = false;
  const onSignal = () => {
    if (closing) return;
    closing = true;
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Started by the dev stack: stop with it, even if it was killed without a chance to stop us.
  if (process.send) process.on('disconnect', onSignal);
}

async function main(argv: string[]): Promise<void> {
  const [command, arg] = argv;
  switch (command) {
    case 'apply': {
      const { runApply } = await import('./apply/apply-command.js');
      process.exitCode = await runApply(argv.slice(1), {
        env: process.env,
        out: (text) => console.log(text),
        err: (text) => console.error(text),
      });
      return;
    }
    case 'rollout': {
      const { runRollout } = await import('./rollout/rollout-command.js');
      process.exitCode = await runRollout(argv.slice(1), {
        env: process.env,
        out: (text) => console.log(text),
        err: (text) => console.error(text),
        tty: process.stdout.isTTY,
      });
      return;
    }
    case 'dev': {
      // A Ctrl-C while the stack's modules load is remembered, not fatal: the stack then stops cleanly.
      let stopEarly = false;
      const onEarlySignal = () => (stopEarly = true);
      process.on('SIGINT', onEarlySignal);
      process.on('SIGTERM', onEarlySignal);
      const { devStackOptions, runDevStack } = await import('../deploy/dev-stack/dev-stack.js');
      await runDevStack(devStackOptions(process.env, argv.slice(1)), () => stopEarly);
      process.off('SIGINT', onEarlySignal);
      process.off('SIGTERM', onEarlySignal);
      // A clean stop after Ctrl-C is a success, whatever signal handlers the loader installed.
      process.exit(0);
      return;
    }
    case 'edge': {
      const config = loadConfig(edgeProcessConfig);
      const { startEdge } = await import('../edge/main.js');
      untilSignal((await startEdge(config)).close);
      return;
    }
    case 'core': {
      const config = loadConfig(coreProcessConfig);
      const { startCoreWorker } = await import('../activities/core-worker.js');
      const worker = await startCoreWorker(config, config.core.workflowBundle);
      untilSignal(worker.close);
      await worker.done;
      return;
    }
    case 'admin': {
      const config = loadConfig(adminProcessConfig);
      const { startAdmin } = await import('../admin/main.js');
      untilSignal((await startAdmin(config)).close);
      return;
    }
    case 'migrate': {
      const { migrateToLatest } = await import('../runtime/db/migrate.js');
      const edgeUrl = process.env.KEEP_EDGE_DATABASE_URL;
      const coreUrl = process.env.KEEP_DATABASE_URL;
      if (!edgeUrl || !coreUrl)
        throw new ConfigError('KEEP_EDGE_DATABASE_URL and KEEP_DATABASE_URL are both required');
      console.log('edge:', (await migrateToLatest('edge', edgeUrl)).join(', ') || 'up to date');
      console.log('core:', (await migrateToLatest('core', coreUrl)).join(', ') || 'up to date');
      return;
    }
    case 'build-workflows': {
      const { buildWorkflowBundle } = await import('./build-workflows.js');
      console.log(await buildWorkflowBundle(arg ?? 'dist/workflow-bundle.js'));
      return;
    }
    case 'generate-key':
      console.log(KeyRing.generateSpec(arg));
      return;
    default:
      console.error(usage);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // A configuration error names the setting; anything else is reported without internals of secrets.
  console.error(err instanceof ConfigError ? `keep: ${err.message}` : err);
  process.exit(1);
});
