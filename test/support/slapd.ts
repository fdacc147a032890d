// A real OpenLDAP server (Debian's slapd) for tests: free loopback port, temp config and mdb data, a test TLS
// certificate (so StartTLS and LDAPS are real), optional AD-like schema; stopped and restarted on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client } from 'ldapts';
import { createTestCa, issueLoopbackServerCertificate } from './test-ca.js';
import { freePort } from './start-stack.js';

const SLAPD = '/usr/sbin/slapd';
const MODULES = '/usr/lib/ldap';
const SCHEMAS = '/etc/ldap/schema';
const INSTALL_HINT =
  'slapd is not installed: apt-get install -y slapd ldap-utils (as root, DEBIAN_FRONTEND=noninteractive; stop the system slapd it starts)';

/**
 * Whether slapd tests can run. Under CI=true a missing slapd is an error, never a skip; elsewhere the caller
 * skips (`describe.skipIf(!slapdInstalled())`) and the hint is printed once.
 */
export function slapdInstalled(): boolean {
  if (existsSync(SLAPD)) return true;
  if (process.env.CI === 'true') throw new Error(INSTALL_HINT);
  console.warn(`skipping slapd tests: ${INSTALL_HINT}`);
  return false;
}

/**
 * Attribute types and an auxiliary class shaped like Active Directory's, under a private test OID arc; and AD's own
 * computer and BitLocker recovery-information classes ([MS-ADA2], [MS-ADSC]: real names and OIDs, trimmed).
 */
const AD_LIKE_SCHEMA = `
attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'objectGUID' DESC 'AD-like object GUID (16 octets)'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.2 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.3 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.4 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.5 NAME 'uSNChanged'
  EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.6 NAME 'highestCommittedUSN' DESC 'root DSE: newest USN on this server'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'keepAdObject' AUXILIARY
  MAY ( objectGUID $ sAMAccountName $ userPrincipalName $ userAccountControl $ uSNChanged ) )
attributetype ( 1.2.840.113556.1.4.1964 NAME 'msFVE-RecoveryPassword' DESC 'BitLocker recovery password'
  EQUALITY caseExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.1965 NAME 'msFVE-RecoveryGuid' DESC 'BitLocker recovery key ID (16 octets)'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.1998 NAME 'msFVE-VolumeGuid' DESC 'BitLocker volume GUID (16 octets)'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.5.30 NAME 'computer' STRUCTURAL
  MUST cn MAY ( sAMAccountName $ description $ serialNumber ) )
objectclass ( 1.2.840.113556.1.5.253 NAME 'msFVE-RecoveryInformation' STRUCTURAL
  MUST ( cn $ msFVE-RecoveryPassword $ msFVE-RecoveryGuid ) MAY msFVE-VolumeGuid )
`;

export interface SlapdOptions {
  adLikeSchema?: boolean;
  /** Extra root DSE attributes (slapd's `rootDSE` file), e.g. an AD-like `highestCommittedUSN`. */
  rootDse?: Record<string, string>;
}

export interface Slapd {
  /** ldap:// URL (StartTLS available) and ldaps:// URL, both on 127.0.0.1. */
  url: string;
  ldapsUrl: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  /** PEM file of the CA that issued the server certificate. */
  caFile: string;
  /** A bound admin client over StartTLS; the caller unbinds. */
  adminClient(): Promise<Client>;
  /** Stops the server (SIGTERM, waits for exit); the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

function overlays(): string[] {
  return ['memberof', 'refint'].filter((name) => existsSync(`${MODULES}/${name}.so`));
}

function config(dir: string, password: string, options: SlapdOptions, baseDn: string): string {
  const available = overlays();
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMAS}/${s}.schema`),
    ...(options.adLikeSchema ? [`include ${dir}/ad-like.schema`] : []),
    ...(options.rootDse ? [`rootDSE ${dir}/root-dse.ldif`] : []),
    `modulepath ${MODULES}`,
    'moduleload back_mdb',
    ...available.map((name) => `moduleload ${name}`),
    `pidfile ${dir}/slapd.pid`,
    `argsfile ${dir}/slapd.args`,
    `TLSCACertificateFile ${dir}/ca.pem`,
    `TLSCertificateFile ${dir}/server.pem`,
    `TLSCertificateKeyFile ${dir}/server.key`,
    'database mdb',
    `suffix "${baseDn}"`,
    `rootdn "cn=admin,${baseDn}"`,
    `rootpw ${password}`,
    `directory ${dir}/data`,
    'index objectClass eq',
    ...(available.includes('memberof') ? ['overlay memberof'] : []),
    ...(available.includes('refint') ? ['overlay refint', 'refint_attributes member uniqueMember'] : []),
    '',
  ].join('\n');
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const dir = await mkdtemp(`${tmpdir()}/keep-slapd-`);
  await mkdir(`${dir}/data`);
  const baseDn = 'dc=keep,dc=test';
  const adminPassword = randomBytes(12).toString('hex');
  const ca = createTestCa('Keep slapd test CA');
  const server = issueLoopbackServerCertificate(ca);
  await writeFile(`${dir}/ca.pem`, ca.certPem);
  await writeFile(`${dir}/server.pem`, server.certPem);
  await writeFile(`${dir}/server.key`, server.keyPem, { mode: 0o600 });
  if (options.adLikeSchema) await writeFile(`${dir}/ad-like.schema`, AD_LIKE_SCHEMA);
  if (options.rootDse) {
    const lines = Object.entries(options.rootDse).map(([key, value]) => `${key}: ${value}`);
    await writeFile(`${dir}/root-dse.ldif`, ['dn:', ...lines, ''].join('\n'));
  }
  await writeFile(`${dir}/slapd.conf`, config(dir, adminPassword, options, baseDn));
  const [port, ldapsPort] = [await freePort(), await freePort()];
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
  let child: ChildProcess | undefined;
  let output = '';

  const adminClient = async () => {
    const client = new Client({ url, timeout: 5_000, connectTimeout: 5_000 });
    await client.startTLS({ ca: ca.certPem });
    await client.bind(`cn=admin,${baseDn}`, adminPassword);
    return client;
  };

  async function start(): Promise<void> {
    // -d 0: stay in the foreground (no fork) so the test owns the process; no debug output.
    const proc = spawn(SLAPD, ['-f', `${dir}/slapd.conf`, '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (proc.exitCode !== null) throw new Error(`slapd exited (${proc.exitCode}): ${output}`);
      try {
        const client = await adminClient();
        await client.unbind();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`slapd did not answer on ${url}: ${output}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }

  await start();
  await seedBase(adminClient, baseDn);
  return {
    url,
    ldapsUrl,
    baseDn,
    adminDn: `cn=admin,${baseDn}`,
    adminPassword,
    caFile: `${dir}/ca.pem`,
    adminClient,
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function seedBase(adminClient: () => Promise<Client>, baseDn: string): Promise<void> {
  const client = await adminClient();
  try {
    await client.add(baseDn, { objectClass: ['dcObject', 'organization'], dc: 'keep', o: 'Keep test' });
    await client.add(`ou=people,${baseDn}`, { objectClass: 'organizationalUnit', ou: 'people' });
    await client.add(`ou=groups,${baseDn}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  } finally {
    await client.unbind();
  }
}
