// Which strings an XML plist can carry: XML 1.0 has no way to write most control characters or a lone surrogate.
// https://www.w3.org/TR/xml/#charsets

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Why `isPlistText` said no, worded to follow a field name. */
export const NOT_PLIST_TEXT =
  'contains a character a plist cannot carry (a control character or an unpaired surrogate)';

/** Checked before a command is audited or sent: the plist builder would otherwise throw only after both. */
export function isPlistText(value: string): boolean {
  return !NOT_XML_CHAR.test(value);
}
