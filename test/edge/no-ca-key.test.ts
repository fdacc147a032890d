// "The edge process has no CA private key in memory or on disk (its configuration cannot even name one)":
// the edge's settings cannot hold one, its database role cannot read one, and a real edge process that
// the core provisioned and that enrolled a device has none in its heap, its memory, its files or its env.
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../activities/pki/ca-operations.js';
import { createPkiActivities } from '../../activities/pki/pki.activities.js';
import { edgeProcessConfig } from '../../core/config/config.schema.js';
import { ConfigError, listSettings, loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import type { edgeProvisioningWorkflow } from '../../workflows/edge-provisioning.workflow.js';
import { ScepClient } from '../sim/scep/scep-client.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { freePort } from '../support/global-setup.js';
import { testStack } from '../support/stack.js';
import { useTestDatabase, useTestPlanes } from '../support/test-context.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const edgeEnv = {
  KEEP_EDGE_DATABASE_URL: 'postgres://keep_edge:pw@127.0.0.1:5432/keep',
  KEEP_TEMPORAL_PAYLOAD_KEYS: KeyRing.generateSpec('p1'),
  KEEP_EDGE_SECRET_KEYS: KeyRing.generateSpec('e1'),
};

function refusal(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected the edge configuration to be refused');
}

describe('the edge configuration', () => {
  const coreKeys = KeyRing.generateSpec('core-secret');
  const withFile = (yaml: string) => {
    const dir = mkdtempSync(`${tmpdir()}/keep-edge-config-`);
    writeFileSync(`${dir}/edge.yaml`, yaml, { mode: 0o600 });
    return () => loadConfig(edgeProcessConfig, { env: edgeEnv, file: `${dir}/edge.yaml` });
  };

  it('refuses a core key ring, a KEEP_CORE_SECRET_KEYS key or a CA key in the file, without echoing it', () => {
    for (const yaml of [
      `core:\n  secretKeys: "${coreKeys}"\n`,
      `KEEP_CORE_SECRET_KEYS: "${coreKeys}"\n`,
      `edge:\n  caKeyFile: /etc/keep/ca.key\n`,
      `edge:\n  caPrivateKey: "${coreKeys}"\n`,
    ]) {
      const message = refusal(withFile(yaml));
      expect(message).toContain('not a setting of this process');
      expect(message).not.toContain(coreKeys.split(':')[1]);
    }
  });

  it('never reads KEEP_CORE_SECRET_KEYS from its environment', () => {
    const config = loadConfig(edgeProcessConfig, { env: { ...edgeEnv, KEEP_CORE_SECRET_KEYS: coreKeys } });
    expect(JSON.stringify(config)).not.toContain(coreKeys.split(':')[1]);
    expect(listSettings(edgeProcessConfig).map((s) => s.env)).not.toContain('KEEP_CORE_SECRET_KEYS');
  });

  it('has no setting that names a CA or core key: its only key settings are TLS and its own key rings', () => {
    const settings = listSettings(edgeProcessConfig);
    expect(settings.length).toBeGreaterThan(10);
    for (const { path, env } of settings) {
      expect(path).not.toMatch(
        /^core\.|(^|\.)(ca|root|issuing|signing|escrow|core)[A-Za-z]*(key|pem|p12|pkcs)/i,
      );
      expect(env).not.toMatch(/^KEEP_CORE_/);
    }
    // A new key-like setting has to be added here on purpose, after asking whose key it is.
    expect(settings.map((s) => s.path).filter((path) => /key|secret|pkcs|pem|p12/i.test(path))).toEqual([
      'temporal.tlsKeyFile',
      'temporal.apiKey',
      'temporal.payloadKeys',
      'edge.tlsKeyFile',
      'edge.secretKeys',
      // The edge's own WNS OAuth client: it sends Windows pushes, and the secret names no core key.
      'edge.wnsClientSecret',
    ]);
  });
});

/** Ways a private RSA key can show up: text (PEM, base64, base64url, hex) and bytes (DER, OpenSSL limbs). */
interface KeyTraces {
  text: string[];
  bytes: Buffer[];
}

/** Only private parts (d, p, q): the modulus is public and sits in certificates the edge rightly holds. */
function tracesOf(key: KeyObject): KeyTraces {
  const jwk = key.export({ format: 'jwk' });
  const parts = [jwk.d!, jwk.p!, jwk.q!].map((b64url) => Buffer.from(b64url, 'base64url'));
  const text: string[] = [jwk.d!.slice(0, 43), jwk.p!.slice(0, 43)];
  const bytes: Buffer[] = [];
  for (const part of parts) {
    const head = part.subarray(0, 32);
    bytes.push(head, Buffer.from(part.subarray(-32)).reverse()); // big-endian, and OpenSSL's little-endian limbs
    text.push(head.toString('hex'), head.toString('base64').slice(0, 40));
  }
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    const der = key.export({ type, format: 'der' });
    const privateFrom = der.indexOf(parts[0]!);
    const body = der.toString('base64');
    // A PEM line covers 48 bytes; keep the lines past the start of d.
    for (let at = Math.ceil(privateFrom / 48) * 48; at + 48 <= der.length; at += 48) {
      text.push(body.slice((at / 48) * 64, (at / 48) * 64 + 64));
    }
  }
  return { text, bytes };
}

function findTraces(haystack: Buffer, traces: KeyTraces): string[] {
  const found: string[] = [];
  traces.bytes.forEach((needle, i) => haystack.includes(needle) && found.push(`bytes #${i}`));
  traces.text.forEach((needle, i) => haystack.includes(needle, 0, 'latin1') && found.push(`text #${i}`));
  return found;
}

/** Scans every readable, writable mapping of a process (its heaps, native allocations and stacks). */
function findInProcessMemory(pid: number, traces: KeyTraces): string[] {
  const found = new Set<string>();
  const longest = Math.max(...traces.bytes.map((b) => b.length), ...traces.text.map((t) => t.length));
  const mem = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const [range, perms] = line.split(/\s+/);
      if (!range || !perms?.startsWith('rw')) continue;
      const [start, end] = range.split('-').map((hex) => BigInt(`0x${hex}`)) as [bigint, bigint];
      const chunk = Buffer.alloc(8 * 1024 * 1024);
      for (let at = start; at < end; at += BigInt(chunk.length - longest)) {
        const length = Number(end - at < BigInt(chunk.length) ? end - at : BigInt(chunk.length));
        let read: number;
        try {
          read = readSync(mem, chunk, 0, length, at);
        } catch {
          break; // a mapping that went away or cannot be read (guard pages)
        }
        for (const hit of findTraces(chunk.subarray(0, read), traces)) found.add(hit);
        if (read < length) break;
      }
    }
  } finally {
    closeSync(mem);
  }
  return [...found];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

async function waitFor<T>(what: string, ms: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} within ${ms} ms`);
}

/** Sends SIGUSR2 (the process runs with --heapsnapshot-signal) and returns the finished snapshot. */
async function heapSnapshot(child: ChildProcess, dir: string): Promise<Buffer> {
  child.kill('SIGUSR2');
  let lastSize = -1;
  const file = await waitFor('no complete heap snapshot', 120_000, () => {
    const name = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    if (!name) return Promise.resolve(undefined);
    const size = statSync(join(dir, name)).size;
    const stable = size > 0 && size === lastSize;
    lastSize = size;
    return Promise.resolve(stable ? join(dir, name) : undefined);
  });
  return readFileSync(file);
}

describe('the edge database role', () => {
  const database = useTestDatabase();

  it('is refused core.ca_keys (permission denied)', async () => {
    const client = new pg.Client({ connectionString: database.edgeUrl });
    await client.connect();
    try {
      await expect(client.query('SELECT * FROM core.ca_keys')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('SELECT sealed_private_key FROM core.ca_keys')).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await client.end();
    }
  });
});

describe('a real edge process, provisioned by the core, after enrolling a device', () => {
  const planes = useTestPlanes();
  let edgeDatabase: TestDatabase;
  let edge: ChildProcess | undefined;
  let output = '';
  const stateDir = mkdtempSync(`${tmpdir()}/keep-edge-state-`);
  const snapshotDir = mkdtempSync(`${tmpdir()}/keep-edge-heap-`);
  const enrollmentId = '3d2b8f6e-1c4a-4e7b-9a0d-6f5e4c3b2a19';

  beforeAll(async () => {
    // An edge of its own (its own edge schema, task queue and key ring), as in a separate DMZ.
    edgeDatabase = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    if (edge && edge.exitCode === null && edge.signalCode === null) {
      const exited = new Promise((resolve) => edge!.once('exit', resolve));
      edge.kill('SIGTERM');
      await exited;
    }
    await edgeDatabase?.drop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(snapshotDir, { recursive: true, force: true });
  }, 60_000);

  it('holds no CA key in its heap, its memory, its files, its environment or its database', async () => {
    const stack = testStack();
    const port = await freePort();
    const taskQueue = `edge-spawned-${port}`;
    const edgeSecretKeys = KeyRing.generateSpec('edge-spawned');
    // The edge's state folder: its configuration file, as a deployment would have it.
    const configFile = join(stateDir, 'edge.yaml');
    writeFileSync(
      configFile,
      stringify({
        edgeDatabase: { url: edgeDatabase.edgeUrl },
        temporal: {
          address: stack.temporalAddress,
          namespace: stack.temporalNamespace,
          payloadKeys: stack.payloadKeys,
        },
        edge: {
          listen: `127.0.0.1:${port}`,
          taskQueue,
          coreTaskQueue: planes.coreConfig.core.taskQueue,
          secretKeys: edgeSecretKeys,
        },
        log: { level: 'warn' },
      }),
      { mode: 0o600 },
    );
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', KEEP_CONFIG_FILE: configFile };
    edge = spawn(
      process.execPath,
      [
        '--heapsnapshot-signal=SIGUSR2',
        `--diagnostic-dir=${snapshotDir}`,
        '--import',
        'tsx',
        'cli/keep.ts',
        'edge',
      ],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    edge.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    edge.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const edgeUrl = `http://127.0.0.1:${port}`;
    await waitFor('the edge did not answer /healthz', 60_000, async () =>
      (await fetch(`${edgeUrl}/healthz`)).ok ? true : undefined,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; it printed:\n${output.slice(-3000)}`);
    });

    // The core provisions it: installs the CA chain and certifies the RA key the edge made.
    const provisioning = await planes.temporal.workflow.start<typeof edgeProvisioningWorkflow>(
      'edgeProvisioningWorkflow',
      {
        workflowId: `edge-provisioning-${taskQueue}`,
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [{ edgeTaskQueue: taskQueue }],
      },
    );
    expect(await provisioning.result()).toEqual({ raIssued: true });

    const coreKeyRing = KeyRing.parse(planes.coreConfig.core.secretKeys);
    const pki = createPkiActivities({
      db: planes.database.core.db,
      keyRing: coreKeyRing,
      pki: planes.coreConfig.core,
    });
    const { challenge } = await pki.createScepChallenge({
      purpose: 'device-identity',
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const issued = await new ScepClient({
      url: `${edgeUrl}/scep/${enrollmentId}`,
      pollIntervalMs: 100,
    }).enroll({
      subject: [{ name: 'commonName', value: 'no-ca-key device' }],
      challengePassword: challenge,
    });

    // The core's keys, read on the core side with the core key ring.
    const ca = await loadOrCreateCa(planes.database.core.db, coreKeyRing, {
      organization: planes.coreConfig.core.organization,
    });
    expect(
      new X509Certificate(issued.certificate).checkIssued(new X509Certificate(ca.issuing.certificatePem)),
    ).toBe(true);
    const caTraces = tracesOf(ca.issuing.privateKey);
    const coreTraces = [ca.issuing.privateKey, ca.profileSigning.privateKey, ca.escrow.privateKey].map(
      tracesOf,
    );
    // The RA key is the edge's own: the same scan must find it, or the scan proves nothing.
    const raRow = await edgeDatabase.edge.db.selectFrom('scep_ra').selectAll().executeTakeFirstOrThrow();
    const raKey = createPrivateKey({
      key: KeyRing.parse(edgeSecretKeys).openString(raRow.sealed_key, Buffer.from('edge.scep_ra')),
      format: 'der',
      type: 'pkcs8',
    });

    const pid = edge.pid!;
    expect(findInProcessMemory(pid, tracesOf(raKey)), 'the RA key, which the edge does hold').not.toEqual([]);
    for (const traces of coreTraces) expect(findInProcessMemory(pid, traces)).toEqual([]);
    // And it finds the CA key where it does live: this test process runs the core worker.
    expect(findInProcessMemory(process.pid, caTraces), 'the CA key, in the core').not.toEqual([]);

    const heap = await heapSnapshot(edge, snapshotDir);
    expect(heap.includes(taskQueue)).toBe(true); // a snapshot of this edge
    for (const traces of coreTraces) expect(findTraces(heap, traces)).toEqual([]);

    const environment = Buffer.concat([
      readFileSync(`/proc/${pid}/environ`),
      readFileSync(`/proc/${pid}/cmdline`),
    ]);
    expect(findTraces(environment, caTraces)).toEqual([]);
    for (const file of filesUnder(stateDir)) {
      for (const traces of coreTraces) expect(findTraces(readFileSync(file), traces), file).toEqual([]);
    }

    // Every row of the edge's schema, as text (bytea as hex).
    const rows: string[] = [];
    const tables = await edgeDatabase.edge.pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'edge'",
    );
    for (const { name } of tables.rows) {
      const result = await edgeDatabase.edge.pool.query<{ row: string }>(
        `SELECT t::text AS row FROM edge."${name.replace(/"/g, '""')}" t`,
      );
      rows.push(...result.rows.map((r) => r.row));
    }
    expect(rows.length).toBeGreaterThan(0);
    for (const traces of coreTraces) expect(findTraces(Buffer.from(rows.join('\n')), traces)).toEqual([]);
  }, 300_000);
});
