// Opens a bound ldapts client: TLS always (LDAPS or StartTLS) unless plain LDAP is explicitly allowed.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { DirectorySettings } from '../../core/config/config.schema.js';
import { DirectoryConfigError, DirectoryUnavailableError } from './directory-errors.js';

/** The settings an LDAP connection needs, once `directory.url` is known to be set. */
export type LdapConnectionSettings = Pick<
  DirectorySettings,
  'caFile' | 'startTls' | 'allowPlain' | 'bindDn' | 'bindPassword' | 'bindPasswordFile'
> & { url: string };

function readFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DirectoryConfigError(`directory.${setting} (${path}) cannot be read`, { cause });
  }
}

function bindPassword(settings: LdapConnectionSettings): string {
  if (settings.bindPasswordFile)
    return readFile(settings.bindPasswordFile, 'bindPasswordFile').replace(/\r?\n$/, '');
  if (settings.bindPassword) return settings.bindPassword;
  throw new DirectoryConfigError('directory.bindPassword or directory.bindPasswordFile is required');
}

/** How the connection is protected; plain only when the administrator said so. */
export function transportFor(settings: LdapConnectionSettings): 'ldaps' | 'starttls' | 'plain' {
  if (settings.url.startsWith('ldaps://')) return 'ldaps';
  if (!settings.url.startsWith('ldap://'))
    throw new DirectoryConfigError('directory.url: expected ldaps:// or ldap://');
  if (settings.startTls) return 'starttls';
  if (settings.allowPlain) return 'plain';
  throw new DirectoryConfigError(
    'directory.url: plain ldap:// without StartTLS is refused unless allowPlain is true',
  );
}

/** Connects, secures and binds; the caller unbinds. Failures name the step, never the password. */
export async function openLdapClient(settings: LdapConnectionSettings, timeoutMs = 30_000): Promise<Client> {
  const transport = transportFor(settings);
  const tlsOptions: ConnectionOptions = { minVersion: 'TLSv1.2' };
  if (settings.caFile) tlsOptions.ca = readFile(settings.caFile, 'caFile');
  const password = bindPassword(settings);
  if (!settings.bindDn) throw new DirectoryConfigError('directory.bindDn is required');
  const client = new Client({
    url: settings.url,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    ...(transport === 'ldaps' ? { tlsOptions } : {}),
  });
  try {
    if (transport === 'starttls') await client.startTLS(tlsOptions);
    await client.bind(settings.bindDn, password);
    return client;
  } catch (cause) {
    await client.unbind().catch(() => undefined);
    const step = client.isConnected ? 'bind' : 'connect';
    throw new DirectoryUnavailableError(
      `directory: ${step} to ${settings.url} failed: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}
