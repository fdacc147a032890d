// Checks a user's name and password against the directory: find the one entry the name names (with the core's
// own bind), then bind as that entry. Used where a device enrols with the user's directory credentials.
import type { DirectorySettings } from '../../core/config/config.schema.js';
import { and, configuredFilter, eq, or } from '../../core/directory/ldap-filter.js';
import { DIRECTORY_DIALECTS } from '../../core/directory/directory-dialect.js';
import { DirectoryConfigError, DirectoryUnavailableError } from './directory-errors.js';
import { openLdapClient } from './ldap-client.js';

/** The attributes a user may sign in with, per directory kind (the account name, or the mail-like name). */
const LOGIN_ATTRIBUTES = { ad: ['sAMAccountName', 'userPrincipalName'], openldap: ['uid', 'mail'] } as const;

export type CredentialVerdict = { ok: true; dn: string } | { ok: false; reason: 'bad-credentials' };

/**
 * `bad-credentials` covers an unknown name, an ambiguous one and a wrong password alike, so the answer never
 * tells which names exist. A directory that cannot be reached throws DirectoryUnavailableError (retryable).
 */
export async function verifyDirectoryCredential(
  settings: DirectorySettings | undefined,
  username: string,
  password: string,
): Promise<CredentialVerdict> {
  if (!settings?.url || !settings.baseDn)
    throw new DirectoryConfigError('directory.url and directory.baseDn are not set');
  // An empty password is an unauthenticated bind (RFC 4513 §5.1.2), which succeeds without proving anything.
  if (password === '' || username === '' || username.length > 256)
    return { ok: false, reason: 'bad-credentials' };
  const connection = { ...settings, url: settings.url };
  const dialect = DIRECTORY_DIALECTS[settings.kind];
  const filter = and(
    configuredFilter(settings.userFilter ?? dialect.defaultUserFilter),
    or(...LOGIN_ATTRIBUTES[settings.kind].map((attribute) => eq(attribute, username))),
  );
  const service = await openLdapClient(connection);
  let dns: string[];
  try {
    const { searchEntries } = await service.search(settings.userBaseDn ?? settings.baseDn, {
      scope: 'sub',
      filter,
      attributes: ['dn'],
    });
    dns = searchEntries.map((entry) => entry.dn);
  } catch (cause) {
    throw new DirectoryUnavailableError(`directory: user search failed: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    await service.unbind().catch(() => undefined);
  }
  if (dns.length !== 1) return { ok: false, reason: 'bad-credentials' };
  const dn = dns[0]!;
  const { bindPasswordFile: _serviceFile, ...asService } = connection;
  const user = await openLdapClient({ ...asService, bindDn: dn, bindPassword: password }).catch(
    (error: unknown) => {
      if (error instanceof DirectoryUnavailableError && isInvalidCredentials(error.cause)) return undefined;
      throw error;
    },
  );
  if (!user) return { ok: false, reason: 'bad-credentials' };
  await user.unbind().catch(() => undefined);
  return { ok: true, dn };
}

/** LDAP resultCode 49 (invalidCredentials), which ldapts raises as InvalidCredentialsError. */
function isInvalidCredentials(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 49;
}
