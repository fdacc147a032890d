// Builds the XML Keep sends to Windows devices; every interpolated value is escaped unless it is itself built here.

/** XML produced by `xml`; the only kind of value inserted without escaping. */
export class XmlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type XmlValue = string | number | boolean | XmlFragment | readonly XmlValue[] | null | undefined;

/**
 * Tagged template for XML: strings and numbers are escaped for text and attribute positions alike,
 * fragments and arrays of fragments are inserted as they are, `null`/`undefined` insert nothing.
 */
export function xml(strings: TemplateStringsArray, ...values: XmlValue[]): XmlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return new XmlFragment(text);
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function render(value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof XmlFragment) return value.text;
  if (Array.isArray(value)) return value.map((v: XmlValue) => render(v)).join('');
  return escapeXml(String(value));
}
