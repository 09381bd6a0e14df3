import { describe, it, expect } from 'vitest';
import { escapeDnValue, guidFromBytes, guidToBytes, sidFromString, sidToString, unicodePwd } from './ad-binary.js';

describe('sidToString', () => {
  it('converts a domain user SID', () => {
    // S-1-5-21-3623811015-3361044348-30300820-1013, the documented Microsoft example.
    const bytes = Buffer.from('010500000000000515000000c7f7fed77c7755c8945ace01f5030000', 'hex');
    expect(sidToString(bytes)).toBe('S-1-5-21-3623811015-3361044348-30300820-1013');
  });

  it('converts a well-known SID without domain part', () => {
    expect(sidToString(Buffer.from('0101000000000005' + '12000000', 'hex'))).toBe('S-1-5-18');
  });

  it('round-trips with sidFromString', () => {
    const text = 'S-1-5-21-1004336348-1177238915-682003330-512';
    expect(sidToString(sidFromString(text))).toBe(text);
  });

  it('rejects truncated input', () => {
    expect(() => sidToString(Buffer.from('0105000000000005150000', 'hex'))).toThrow(RangeError);
  });
});

describe('GUID byte order', () => {
  it('puts the first three fields little-endian', () => {
    // schemaIDGUID of the user class, as AD stores it.
    const bytes = guidToBytes('bf967aba-0de6-11d0-a285-00aa003049e2');
    expect(bytes.toString('hex')).toBe('ba7a96bfe60dd011a28500aa003049e2');
  });

  it('round-trips', () => {
    const guid = '0d5a3b9e-6c2f-4a1b-8e7d-123456789abc';
    expect(guidFromBytes(guidToBytes(guid))).toBe(guid);
    expect(guidFromBytes(guidToBytes(`{${guid.toUpperCase()}}`))).toBe(guid);
  });

  it('rejects malformed input', () => {
    expect(() => guidToBytes('not-a-guid')).toThrow(RangeError);
    expect(() => guidFromBytes(Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('unicodePwd', () => {
  it('is UTF-16LE of the quoted password', () => {
    expect(unicodePwd('ab')).toEqual(Buffer.from([0x22, 0, 0x61, 0, 0x62, 0, 0x22, 0]));
  });
});

describe('escapeDnValue', () => {
  it('escapes RFC 4514 specials', () => {
    expect(escapeDnValue('Smith, John')).toBe('Smith\\, John');
    expect(escapeDnValue('#1 fan ')).toBe('\\#1 fan\\ ');
    expect(escapeDnValue("O'Brien Müller")).toBe("O'Brien Müller");
  });
});
