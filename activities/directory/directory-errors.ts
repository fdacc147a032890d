// Why a directory operation failed: configuration (never retried) or the server (retried until it is back).

/** The settings cannot work (plain LDAP refused, unreadable CA or password file): retrying will not help. */
export class DirectoryConfigError extends Error {
  override name = 'DirectoryConfigError';
}

/** The directory could not be reached, refused the bind or failed a search: the sync retries later. */
export class DirectoryUnavailableError extends Error {
  override name = 'DirectoryUnavailableError';
}
