import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { guidToBytes } from '../core/guid.js';
import { canonicalSid, guidDn, guidToString, sidBytes, sidFromString, sidToString } from './ad-binary.js';

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
    expect(sidBytes(text)?.equals(bytes)).toBe(true);
    expect(sidBytes('User_1')).toBeNull();
    expect(sidBytes('S-1-5-21-99999999999')).toBeNull();
    expect(() => sidToString(Buffer.alloc(9, 1))).toThrow(RangeError);
  });

  it('canonicalises SID text exactly as the bytes round trip does, without the bytes', () => {
    const byBytes = (text: string): string | null => {
      try {
        return sidToString(sidFromString(text));
      } catch {
        return null;
      }
    };
    const samples = [
      'S-1-5-21-3623811015-3361044348-30300820-1013', 's-1-5-21-1-2-3', ' S-1-5-21-007-0-4294967295 ', 'S-1-5', 'S-1-281474976710655-1',
      'S-1-281474976710656-1', 'S-256-5-1', 'S-1-5-4294967296', `S-1-5${'-1'.repeat(15)}`, `S-1-5${'-1'.repeat(16)}`, 'S-1-5-', 'S-1--5', 'User_1', '',
    ];
    // Random SIDs, some with leading zeros, some out of range.
    for (let i = 0; i < 500; i++) {
      const count = Math.floor(Math.random() * 17);
      const part = () => `${Math.random() < 0.1 ? '0' : ''}${Math.floor(Math.random() * (Math.random() < 0.1 ? 2 ** 33 : 2 ** 32))}`;
      samples.push(`${Math.random() < 0.5 ? 'S' : 's'}-${Math.floor(Math.random() * 300)}-${part()}${Array.from({ length: count }, () => `-${part()}`).join('')}`);
    }
    for (const text of samples) expect(canonicalSid(text), text).toBe(byBytes(text));
    expect(canonicalSid('s-1-5-21-007')).toBe('S-1-5-21-7');
    expect(canonicalSid('S-1-5-4294967296')).toBeNull();
  });
});
