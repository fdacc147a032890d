// LDAP search filters built only from escaped values (RFC 4515), so user input can never change a filter's shape.

/** A filter string produced by this module; plain strings are not accepted where a filter is expected. */
export type LdapFilter = string & { readonly __ldapFilter: unique symbol };

/** Attribute descriptions (RFC 4512 §2.5): a name or OID, options after ';'. Anything else is a programming error. */
const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+)(;[A-Za-z0-9-]+)*$/;

export class LdapFilterError extends Error {
  override name = 'LdapFilterError';
}

/**
 * RFC 4515 §3: a value's `*`, `(`, `)`, `\` and NUL must be written as `\XX`. Every byte outside printable
 * ASCII is escaped too, so a value is one opaque token whatever its encoding (UTF-8 bytes, or raw octets).
 */
export function escapeFilterValue(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const byte of bytes) {
    const safe =
      byte > 0x20 && byte < 0x7f && byte !== 0x2a && byte !== 0x28 && byte !== 0x29 && byte !== 0x5c;
    out += safe || byte === 0x20 ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function attribute(name: string): string {
  if (!ATTRIBUTE.test(name))
    throw new LdapFilterError(`not an attribute description: ${JSON.stringify(name)}`);
  return name;
}

export function eq(attr: string, value: string | Uint8Array): LdapFilter {
  return `(${attribute(attr)}=${escapeFilterValue(value)})` as LdapFilter;
}

/** `attr>=value`: the cursor filters of incremental sync (uSNChanged, modifyTimestamp). */
export function ge(attr: string, value: string): LdapFilter {
  return `(${attribute(attr)}>=${escapeFilterValue(value)})` as LdapFilter;
}

export function present(attr: string): LdapFilter {
  return `(${attribute(attr)}=*)` as LdapFilter;
}

/** `attr:rule:=value`, an extensible match (RFC 4515 §3), e.g. AD's in-chain rule. */
export function extensible(attr: string, rule: string, value: string): LdapFilter {
  return `(${attribute(attr)}:${attribute(rule)}:=${escapeFilterValue(value)})` as LdapFilter;
}

export function and(...filters: LdapFilter[]): LdapFilter {
  if (filters.length === 1) return filters[0]!;
  return `(&${filters.join('')})` as LdapFilter;
}

export function or(...filters: LdapFilter[]): LdapFilter {
  if (filters.length === 1) return filters[0]!;
  return `(|${filters.join('')})` as LdapFilter;
}

/**
 * A filter an administrator wrote in settings (e.g. `(objectClass=inetOrgPerson)`): trusted, but checked for
 * balanced parentheses so a typo fails at start rather than as a confusing search error.
 */
export function configuredFilter(text: string): LdapFilter {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) break;
  }
  if (depth !== 0 || !text.startsWith('(') || !text.endsWith(')')) {
    throw new LdapFilterError(`not a parenthesised LDAP filter: ${JSON.stringify(text)}`);
  }
  return text as LdapFilter;
}
