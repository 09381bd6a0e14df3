import { describe, expect, it } from 'vitest';
import { guidToBytes, guidToString } from './guid.js';

describe('guidToString', () => {
  it('reads the first three groups little-endian, as AD stores objectGUID', () => {
    const bytes = Buffer.from('0403020106050807090a0b0c0d0e0f10', 'hex');
    expect(guidToString(bytes)).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
  });

  it('refuses anything but 16 bytes', () => {
    expect(() => guidToString(Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('guidToBytes', () => {
  it('is the inverse of guidToString, tolerating braces and case', () => {
    const bytes = Buffer.from('0403020106050807090a0b0c0d0e0f10', 'hex');
    expect(guidToBytes('{01020304-0506-0708-090A-0B0C0D0E0F10}')).toEqual(bytes);
    expect(guidToBytes(guidToString(bytes))).toEqual(bytes);
  });

  it('returns null for malformed GUIDs', () => {
    expect(guidToBytes('01020304-0506-0708-090a')).toBeNull();
  });
});
