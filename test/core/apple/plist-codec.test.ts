import { describe, expect, it } from 'vitest';
import {
  buildPlist,
  parsePlist,
  parsePlistDict,
  PlistError,
  type PlistErrorCode,
} from '../../../core/apple/plist-codec.js';
import { AUTHENTICATE_XML, plistXml } from './fixtures.js';

function codeOf(fn: () => unknown): PlistErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlistError) return error.code;
    throw error;
  }
  return undefined;
}

function nested(depth: number): string {
  return plistXml('<array>'.repeat(depth) + '</array>'.repeat(depth));
}

describe('parsePlist', () => {
  it('parses an Authenticate body with Apple DOCTYPE', () => {
    const dict = parsePlistDict(AUTHENTICATE_XML);
    expect(dict.MessageType).toBe('Authenticate');
    expect(dict.UDID).toBe('0000FE00-1234-5678-9ABC-DEF012345678');
  });

  it('parses bytes as UTF-8', () => {
    expect(parsePlistDict(new TextEncoder().encode(AUTHENTICATE_XML)).DeviceName).toBe("Ada's MacBook Pro");
  });

  it('rejects a body over the size cap', () => {
    expect(codeOf(() => parsePlist(AUTHENTICATE_XML, { maxBytes: 100 }))).toBe('too-large');
    expect(codeOf(() => parsePlist(new TextEncoder().encode(AUTHENTICATE_XML), { maxBytes: 100 }))).toBe(
      'too-large',
    );
  });

  it('counts the cap in UTF-8 bytes, not characters', () => {
    const body = plistXml(`<string>${'é'.repeat(600)}</string>`);
    expect(body.length).toBeLessThan(1000);
    expect(codeOf(() => parsePlist(body, { maxBytes: 1000 }))).toBe('too-large');
  });

  it('rejects binary plists', () => {
    expect(
      codeOf(() => parsePlist(new Uint8Array([...new TextEncoder().encode('bplist00'), 0xd0, 0x08]))),
    ).toBe('binary');
    expect(codeOf(() => parsePlist('bplist00xyz'))).toBe('binary');
  });

  it('rejects an internal DTD subset', () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE plist [ <!ELEMENT plist ANY> ]><plist><string>x</string></plist>';
    expect(codeOf(() => parsePlist(xml))).toBe('doctype');
  });

  it('rejects entity declarations (billion laughs, external entities)', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><plist><string>&lol2;</string></plist>';
    expect(codeOf(() => parsePlist(laughs))).toBe('entity');
    const external =
      '<?xml version="1.0"?><!DOCTYPE plist [<!entity xxe SYSTEM "file:///etc/passwd">]><plist><string>&xxe;</string></plist>';
    expect(codeOf(() => parsePlist(external))).toBe('entity');
  });

  it('rejects references to undeclared entities but keeps predefined ones', () => {
    expect(codeOf(() => parsePlist(plistXml('<string>&xxe;</string>')))).toBe('entity');
    expect(parsePlist(plistXml('<string>a &amp; b &lt;&#65;&#x42;</string>'))).toBe('a & b <AB');
  });

  it.each([10_000, 100_000])('refuses a %i-deep plist without overflowing the stack', (depth) => {
    expect(codeOf(() => parsePlist(nested(depth), { maxBytes: 4 * 1024 * 1024 }))).toBe('too-deep');
  });

  it.each([
    ['an attribute value ending in "/>"', '<array a="/>">', '</array>'],
    ['an attribute value holding ">"', "<dict k='>'>", '</dict>'],
    ['a processing instruction holding a closing tag', '<array><?pi </array>?>', '</array>'],
    ['a comment holding a closing tag', '<array><!-- </array> -->', '</array>'],
    ['a CDATA section holding a closing tag', '<array><string><![CDATA[</array>]]></string>', '</array>'],
  ])('refuses deep nesting hidden behind %s', (_name, open, close) => {
    for (const depth of [65, 3_000, 5_000]) {
      expect(codeOf(() => parsePlist(plistXml(open.repeat(depth) + close.repeat(depth))))).toBe('too-deep');
    }
  });

  it('refuses deep nesting of unmatched end tags as malformed, not by overflowing', () => {
    expect(codeOf(() => parsePlist(plistXml('<array></x>'.repeat(5_000))))).toBe('malformed');
  });

  it('parses a shallow plist with more containers than the depth limit, as a long app list is', () => {
    const apps = Array.from(
      { length: 500 },
      (_, i) => `<dict><key>Name</key><string>A &amp; ${i}</string></dict>`,
    );
    const value = parsePlist(plistXml(`<dict><key>Apps</key><array>${apps.join('')}</array></dict>`));
    expect((value as { Apps: { Name: string }[] }).Apps[499]).toEqual({ Name: 'A & 499' });
  });

  it('accepts nesting up to the limit and rejects one more', () => {
    expect(codeOf(() => parsePlist(nested(64)))).toBeUndefined();
    expect(codeOf(() => parsePlist(nested(65)))).toBe('too-deep');
    expect(codeOf(() => parsePlist(nested(5), { maxDepth: 4 }))).toBe('too-deep');
  });

  it('does not count tags hidden in comments or CDATA towards depth', () => {
    const xml = plistXml(
      `<dict><!-- ${'<dict>'.repeat(100)} --><key>a</key><string><![CDATA[${'<array>'.repeat(100)}]]></string></dict>`,
    );
    expect(parsePlist(xml)).toEqual({ a: '<array>'.repeat(100) });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'rejects the key %s and leaves prototypes alone',
    (key) => {
      const xml = plistXml(`<dict><key>${key}</key><dict><key>polluted</key><true/></dict></dict>`);
      expect(codeOf(() => parsePlist(xml))).toBe('forbidden-key');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('rejects forbidden keys nested deep and written with character references', () => {
    const xml = plistXml(
      '<array><dict><key>a</key><dict><key>__proto&#95;_</key><string>x</string></dict></dict></array>',
    );
    expect(codeOf(() => parsePlist(xml))).toBe('forbidden-key');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('rejects OpenStep and other non-XML text', () => {
    expect(codeOf(() => parsePlist('{ a = b; }'))).toBe('not-xml');
  });

  it('turns parser failures into a malformed PlistError with the cause', () => {
    let error: unknown;
    try {
      parsePlist('<plist><dict><string>no key</string></dict></plist>');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlistError);
    expect((error as PlistError).code).toBe('malformed');
    expect((error as PlistError).cause).toBeInstanceOf(Error);
  });

  it('rejects an unreadable <date> anywhere in the document, and reads a valid one', () => {
    const bad = plistXml('<dict><key>a</key><array><date>yesterday-ish</date></array></dict>');
    expect(codeOf(() => parsePlist(bad))).toBe('malformed');
    const good = parsePlistDict(plistXml('<dict><key>a</key><date>2026-11-30T10:00:00Z</date></dict>'));
    expect(good.a).toEqual(new Date('2026-11-30T10:00:00Z'));
  });

  it('requires a dictionary at the top level for MDM messages', () => {
    expect(codeOf(() => parsePlistDict(plistXml('<array/>')))).toBe('not-a-dictionary');
  });
});

describe('buildPlist', () => {
  it('round-trips strings, numbers, booleans, data, arrays and dictionaries', () => {
    const value = {
      s: 'a<b',
      i: 42,
      r: 1.5,
      t: true,
      f: false,
      d: new Uint8Array([0, 255]),
      a: ['x', { y: 1 }],
    };
    expect(parsePlist(buildPlist(value))).toEqual(value);
  });
});
