import { describe, expect, it } from 'vitest';
import { buildPlist } from '../../../core/apple/plist-codec.js';
import { isPlistText } from '../../../core/apple/plist-text.js';

describe('isPlistText', () => {
  it('accepts exactly the strings the plist builder can write', () => {
    for (const value of ['Call IT', 'tab\tand\r\nnewlines', 'Grüße 🔒', '']) {
      expect(isPlistText(value), JSON.stringify(value)).toBe(true);
      expect(() => buildPlist({ value })).not.toThrow();
    }
    for (const value of ['nul\u0000', 'escape\u001b', 'bell\u0007', 'lone\uD800', '\uFFFE']) {
      expect(isPlistText(value), JSON.stringify(value)).toBe(false);
      expect(() => buildPlist({ value }), JSON.stringify(value)).toThrow();
    }
  });
});
