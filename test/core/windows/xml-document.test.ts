import { describe, expect, it } from 'vitest';
import { WindowsProtocolError } from '../../../core/windows/windows-protocol-error.js';
import { attribute, parseXmlDocument, required } from '../../../core/windows/xml-document.js';

function refusal(
  input: string | Uint8Array,
  options?: Parameters<typeof parseXmlDocument>[1],
): WindowsProtocolError {
  try {
    parseXmlDocument(input, options);
  } catch (error) {
    if (error instanceof WindowsProtocolError) return error;
    throw error;
  }
  throw new Error('expected the document to be refused');
}

describe('parseXmlDocument', () => {
  it('resolves namespaces by prefix and default, whatever prefixes the client picks', () => {
    const root = parseXmlDocument('<x:A xmlns:x="urn:a" xmlns="urn:d"><B y:k="v" xmlns:y="urn:y"/></x:A>');
    expect(root).toMatchObject({ ns: 'urn:a', local: 'A' });
    const b = required(root, 'B');
    expect(b.ns).toBe('urn:d');
    expect(attribute(b, 'k')).toBe('v');
  });

  it('decodes the predefined entities and character references, and keeps CDATA as written', () => {
    const root = parseXmlDocument('<a t="1 &amp; 2">&lt;b&gt; &#65;&#x42; <![CDATA[&amp;<c/>]]></a>');
    expect(root.text).toBe('<b> AB &amp;<c/>');
    expect(attribute(root, 't')).toBe('1 & 2');
  });

  it('ignores the XML declaration, comments and processing instructions', () => {
    const root = parseXmlDocument(
      '<?xml version="1.0" encoding="utf-8"?><!-- note --><a><?pi x?><b/><!-- <c/> --></a>',
    );
    expect(root.children.map((c) => c.local)).toEqual(['b']);
  });

  it('refuses a DOCTYPE, which is how entity expansion attacks begin', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>';
    expect(refusal(laughs).code).toBe('doctype');
    expect(refusal('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>').code).toBe('doctype');
  });

  it('refuses entity declarations and references to entities it does not know', () => {
    expect(refusal('<a><!ENTITY x "y"></a>').code).toBe('entity');
    expect(refusal('<a>&xxe;</a>').code).toBe('entity');
    expect(refusal('<a b="&xxe;"/>').code).toBe('entity');
  });

  it('refuses a body over the size limit before parsing it', () => {
    const error = refusal(`<a>${'x'.repeat(2000)}</a>`, { maxBytes: 1024 });
    expect(error.code).toBe('too-large');
    expect(error.message).toBe('message exceeds 1024 bytes');
  });

  it('refuses nesting deeper than the limit', () => {
    expect(refusal(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`).code).toBe('too-deep');
    expect(() => parseXmlDocument(`${'<a>'.repeat(5)}${'</a>'.repeat(5)}`, { maxDepth: 5 })).not.toThrow();
  });

  it('refuses malformed XML, invalid UTF-8 and undeclared prefixes without quoting the input', () => {
    const malformed = refusal('<a><b>secret-token</a>');
    expect(malformed.code).toBe('malformed');
    expect(malformed.message).not.toContain('secret-token');
    expect(refusal(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e])).code).toBe('not-utf8');
    expect(refusal('<p:a/>').code).toBe('malformed');
    expect(refusal('<a>&#0;</a>').code).toBe('malformed');
    expect(refusal('<a>AT&T</a>').code).toBe('malformed');
  });
});
