import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { guidToBytes } from '../core/guid.js';
import { guidDn, guidToString, sidFromString, sidToString } from './ad-binary.js';

describe('AD binary identifiers', () => {
  it('converts objectGUID bytes in AD (mixed-endian) order', () => {
    const bytes = Buffer.from('0123456789abcdef0011223344556677', 'hex');
    expect(guidToString(bytes)).toBe('67452301-ab89-efcd-0011-223344556677');
    expect(guidToBytes('{67452301-AB89-EFCD-0011-223344556677}')?.equals(bytes)).toBe(true);
    expect(guidDn(bytes)).toBe('<GUID=67452301-ab89-efcd-0011-223344556677>');
  });

  it('round-trips random GUIDs and refuses wrong lengths', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(16);
      expect(guidToBytes(guidToString(bytes))?.equals(bytes)).toBe(true);
    }
    expect(() => guidToString(Buffer.alloc(15))).toThrow(RangeError);
  });

  it('converts SIDs both ways', () => {
    const text = 'S-1-5-21-3623811015-3361044348-30300820-1013';
    const bytes = sidFromString(text);
    expect(bytes).toHaveLength(8 + 4 * 5);
    expect(sidToString(bytes)).toBe(text);
    expect(sidToString(sidFromString('S-1-5-32-544'))).toBe('S-1-5-32-544');
    expect(() => sidFromString('S-1-5-21-99999999999')).toThrow(RangeError);
    expect(() => sidFromString('User_1')).toThrow(RangeError);
    expect(() => sidToString(Buffer.alloc(9, 1))).toThrow(RangeError);
  });
});
