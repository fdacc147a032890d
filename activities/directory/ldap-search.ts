// Paged subtree searches (RFC 2696) that hand back one page of entries at a time.
import type { Client } from 'ldapts';
import type { LdapEntry } from '../../core/directory/directory-dialect.js';
import type { LdapFilter } from '../../core/directory/ldap-filter.js';
import { DirectoryUnavailableError } from './directory-errors.js';

export interface PagedSearch {
  base: string;
  filter: LdapFilter;
  attributes: string[];
  binaryAttributes: string[];
  pageSize: number;
}

export async function* searchPages(client: Client, search: PagedSearch): AsyncGenerator<LdapEntry[]> {
  try {
    for await (const page of client.searchPaginated(search.base, {
      scope: 'sub',
      filter: search.filter,
      attributes: search.attributes,
      explicitBufferAttributes: search.binaryAttributes,
      paged: { pageSize: search.pageSize },
    })) {
      yield page.searchEntries;
    }
  } catch (cause) {
    throw new DirectoryUnavailableError(
      `directory: search under ${search.base} failed: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

/** The values of one root DSE attribute (RFC 4512 §5.1), as text; none if the server does not publish it. */
export async function rootDseValues(client: Client, attribute: string): Promise<string[]> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: [attribute],
  });
  const value = searchEntries[0]?.[attribute];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
