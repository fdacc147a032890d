// Distinguished-name value escaping (RFC 4514 §2.4), for building DNs from values that are not trusted.

const SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '=']);

/** Escapes one attribute value of an RDN; `uid=${escapeDnValue(x)},ou=people,…` cannot gain an RDN or a level. */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0)!;
    if (code === 0) out += '\\00';
    else if (SPECIAL.has(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === chars.length - 1 && ch === ' '))
      out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  });
  return out;
}
