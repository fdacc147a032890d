// The deploy files hold together: the Helm chart lints and renders what production needs, the Compose file
// is valid Compose whose settings and generated secrets each process accepts, the image is built as described.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { adminProcessConfig, coreProcessConfig, edgeProcessConfig } from '../../core/config/config.schema.js';
import { listSettings, loadConfig } from '../../core/config/load-config.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const chart = join(repo, 'deploy/helm/keep');
const testValues = join(chart, 'ci/test-values.yaml');
const composeDir = join(repo, 'deploy/compose');

const HELM_HINT =
  'helm not found: build it with `deploy/tools/go-tools.sh helm` and set KEEP_HELM to the path it prints';

/** $KEEP_HELM, else `helm` on PATH. */
function findHelm(): string | undefined {
  const candidates = [
    process.env.KEEP_HELM,
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'helm')),
  ];
  return candidates.find((candidate) => {
    if (!candidate) return false;
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const helm = findHelm();
// Under CI a missing helm fails these tests rather than skipping them, so a green run means they ran.
const skipHelm = !helm && !process.env.CI;
if (skipHelm) console.warn(`skipping the Helm chart tests: ${HELM_HINT}`);

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  stringData?: Record<string, string>;
}

async function template(...args: string[]): Promise<Manifest[]> {
  if (!helm) throw new Error(HELM_HINT);
  // A helm built with `go install` lacks the release build's default Kubernetes version (it assumes 1.20).
  const { stdout } = await run(helm, [
    'template',
    'keep',
    chart,
    '-f',
    testValues,
    '--kube-version',
    '1.31.0',
    ...args,
  ]);
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

describe.skipIf(skipHelm)('the Helm chart', () => {
  it('passes helm lint with the documented values filled in', async () => {
    if (!helm) throw new Error(HELM_HINT);
    const { stdout } = await run(helm, ['lint', '--strict', chart, '-f', testValues]);
    expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders the edge, core and admin Deployments, the edge HPA, PDB and Service, the Secrets and the migrate Job', async () => {
    const manifests = await template();
    const names = (kind: string) =>
      manifests
        .filter((m) => m.kind === kind)
        .map((m) => m.metadata.name)
        .sort();
    expect(names('Deployment')).toEqual(['keep-admin', 'keep-core', 'keep-edge']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['keep-edge']);
    expect(names('PodDisruptionBudget')).toEqual(['keep-edge']);
    expect(names('Service')).toEqual(['keep-admin', 'keep-edge']);
    expect(names('Secret')).toEqual(['keep-admin', 'keep-core', 'keep-edge']);
    expect(names('Job')).toEqual(['keep-migrate']);
    const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'keep-edge' },
      minReplicas: 2,
    });
  });

  it('gives each process a Secret with only its own keys: the edge never gets the core secret key ring', async () => {
    const secrets = Object.fromEntries(
      (await template()).filter((m) => m.kind === 'Secret').map((m) => [m.metadata.name, m.stringData ?? {}]),
    );
    expect(Object.keys(secrets['keep-edge']!).sort()).toEqual([
      'KEEP_EDGE_DATABASE_URL',
      'KEEP_EDGE_SECRET_KEYS',
      'KEEP_TEMPORAL_PAYLOAD_KEYS',
    ]);
    expect(Object.keys(secrets['keep-core']!).sort()).toEqual([
      'KEEP_CORE_SECRET_KEYS',
      'KEEP_DATABASE_URL',
      'KEEP_TEMPORAL_PAYLOAD_KEYS',
    ]);
    expect(Object.keys(secrets['keep-admin']!)).not.toContain('KEEP_CORE_SECRET_KEYS');
  });

  it("sets only real settings: each Deployment's environment and Secret load as its process's configuration", async () => {
    const manifests = await template();
    const secrets = new Map(
      manifests.filter((m) => m.kind === 'Secret').map((m) => [m.metadata.name, m.stringData]),
    );
    const settingsOf = (name: string): NodeJS.ProcessEnv => {
      const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!;
      const [container] = (deployment.spec as { template: { spec: PodSpec } }).template.spec.containers;
      const env = Object.fromEntries((container!.env ?? []).map((e) => [e.name, e.value ?? '']));
      const secret = secrets.get(container!.envFrom![0]!.secretRef.name);
      return { ...env, ...secret };
    };
    // A misspelt KEEP_* name would be silently ignored by the process; the schemas name every real one.
    const known = (schema: Parameters<typeof listSettings>[0]) =>
      new Set(listSettings(schema).map((s) => s.env));
    for (const [name, schema] of [
      ['keep-edge', edgeProcessConfig],
      ['keep-core', coreProcessConfig],
      ['keep-admin', adminProcessConfig],
    ] as const) {
      const env = settingsOf(name);
      expect(Object.keys(env).filter((key) => !known(schema).has(key))).toEqual([]);
      expect(() => loadConfig(schema, { env })).not.toThrow();
    }
  });

  it('runs every container as the non-root node user with a read-only root filesystem', async () => {
    const pods = (await template()).filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
    for (const pod of pods) {
      const spec = (pod.spec as { template: { spec: PodSpec } }).template.spec;
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const container of spec.containers)
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
    }
  });

  it('uses an existing Secret instead of rendering one, and refuses to render without key rings', async () => {
    const manifests = await template('--set', 'secrets.edge.existingSecret=edge-from-vault');
    expect(manifests.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name)).not.toContain(
      'keep-edge',
    );
    const edge = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'keep-edge')!;
    expect(JSON.stringify(edge.spec)).toContain('"name":"edge-from-vault"');
    await expect(template('--set', 'secrets.core.secretKeys=')).rejects.toThrow(
      /secrets\.core\.secretKeys is required/,
    );
  });
});

interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: {
    securityContext: Record<string, unknown>;
    env?: { name: string; value?: string }[];
    envFrom?: { secretRef: { name: string } }[];
  }[];
}

interface ComposeService {
  environment?: Record<string, string>;
  secrets?: string[];
  command?: string[];
  networks?: Record<string, { ipv4_address?: string }> | string[];
}

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` interpolation, from `vars`. */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    const value = vars[name];
    if (value) return value;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('the Compose file', () => {
  const raw = readFileSync(join(composeDir, 'compose.yaml'), 'utf8');
  // The Compose specification's JSON schema, as the dclint package ships it (its exports hide the file).
  const schemaPath = join(
    dirname(createRequire(import.meta.url).resolve('dclint/package.json')),
    'schemas/compose.schema.json',
  );
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // Its `$schema` names draft-07 by a URI Ajv does not register; Ajv's default draft is draft-07.
  delete schema.$schema;
  const validate = ajv.compile(schema);

  it('validates against the Compose specification schema', () => {
    const valid = validate(parse(raw, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is refused by the same schema when a service is malformed (the check has teeth)', () => {
    const broken = parse(raw, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    broken.services['edge-1']!.depends_on = { temporal: { condition: 'whenever' } };
    expect(validate(broken)).toBe(false);
  });

  describe('with the secrets make-secrets.sh writes', () => {
    let dir: string;
    let services: Record<string, ComposeService>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'keep-compose-'));
      await run(join(composeDir, 'make-secrets.sh'), [], { env: { ...process.env, KEEP_COMPOSE_DIR: dir } });
      const env = Object.fromEntries(
        readFileSync(join(dir, '.env'), 'utf8')
          .split('\n')
          .filter((line) => /^\w+=/.test(line))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      services = (
        parse(interpolate(raw, env), { merge: true }) as { services: Record<string, ComposeService> }
      ).services;
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** The process's settings as the container gets them: its environment plus its mounted secret file. */
    function settingsOf(service: string): NodeJS.ProcessEnv {
      const { environment = {} } = services[service]!;
      const file = environment.KEEP_CONFIG_FILE?.replace('/run/secrets/', `${dir}/secrets/`);
      return { ...environment, ...(file ? { KEEP_CONFIG_FILE: file } : {}) };
    }

    it("sets only real settings in each Keep service's environment", () => {
      for (const [service, schema] of [
        ['core', coreProcessConfig],
        ['admin', adminProcessConfig],
        ['edge-1', edgeProcessConfig],
        ['edge-2', edgeProcessConfig],
      ] as const) {
        const known = new Set([...listSettings(schema).map((s) => s.env), 'KEEP_CONFIG_FILE']);
        expect(Object.keys(services[service]!.environment ?? {}).filter((key) => !known.has(key))).toEqual(
          [],
        );
      }
    });

    it('gives the core, both edges and the admin API a configuration each accepts', () => {
      expect(loadConfig(coreProcessConfig, { env: settingsOf('core') }).core.edgeTaskQueues).toEqual([
        'edge',
      ]);
      for (const edge of ['edge-1', 'edge-2']) {
        const config = loadConfig(edgeProcessConfig, { env: settingsOf(edge) });
        expect(config.edge.trustedProxies).toEqual(['172.30.0.10']);
      }
      const admin = loadConfig(adminProcessConfig, { env: settingsOf('admin') });
      expect(admin.admin.listen.host).toBe('0.0.0.0');
      // The payload key ring is one ring shared by every process; the core's own ring is only the core's.
      const core = loadConfig(coreProcessConfig, { env: settingsOf('core') });
      expect(admin.temporal.payloadKeys).toBe(core.temporal.payloadKeys);
      expect(readFileSync(`${dir}/secrets/edge.yaml`, 'utf8')).not.toContain(core.core.secretKeys);
    });

    it('trusts Client-Cert only from the proxy, whose fixed address is the one the edges list', () => {
      const proxy = services.proxy!.networks as Record<string, { ipv4_address?: string }>;
      expect(proxy.edge?.ipv4_address).toBe('172.30.0.10');
      const caddyfile = readFileSync(join(composeDir, 'Caddyfile'), 'utf8');
      // RFC 9440 §2: a structured-field byte sequence of the DER certificate, and nothing a client can forge.
      expect(caddyfile).toContain('header_up Client-Cert ":{tls_client_certificate_der_base64}:"');
      expect(caddyfile).toContain('header_up -Client-Cert');
    });
  });
});

describe('the container image', () => {
  const dockerfile = readFileSync(join(repo, 'deploy/Dockerfile'), 'utf8');

  it('builds in a stage with the workflow bundle and the console, and runs as the node user in a runtime stage', () => {
    const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)$/gm)].map((m) => m[1]);
    expect(stages).toEqual(['build', 'runtime']);
    const [build, runtime] = dockerfile.split(/^FROM .* AS runtime$/m);
    expect(build).toMatch(/^RUN npm ci\b/m);
    expect(build).toContain('npm run build:workflows');
    expect(build).toContain('npm run build:console');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "--import", "tsx", "cli\/keep.ts"\]$/m);
  });

  it('keeps what the entrypoint needs after the dev dependencies are pruned', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toContain('tsx');
  });
});
