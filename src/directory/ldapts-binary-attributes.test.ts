import { Attribute, BerReader, BerWriter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { markBinaryAttributes } from './ldapts-binary-attributes.js';

/** Encodes an attribute as the DC sends it and parses it back with ldapts's own parser. */
function roundTrip(type: string, value: Buffer): Attribute {
  const writer = new BerWriter();
  new Attribute({ type, values: [value] }).write(writer);
  const parsed = new Attribute();
  parsed.parse(new BerReader(writer.buffer));
  return parsed;
}

describe('markBinaryAttributes', () => {
  // Sixteen bytes that happen to be valid UTF-8: ldapts alone would hand them out as text.
  const textLikeGuid = Buffer.from('abcdefghijklmnop', 'latin1');

  it('is installed on this ldapts (fails when an upgrade removed the predicate it extends)', () => {
    expect(markBinaryAttributes(['objectGUID', 'objectSid'])).toBe(true);
  });

  it('keeps the marked types as bytes without decoding them, in any case', () => {
    markBinaryAttributes(['objectGUID', 'objectSid']);
    for (const type of ['objectGUID', 'OBJECTGUID', 'objectsid']) {
      const values = roundTrip(type, textLikeGuid).values;
      expect(Buffer.isBuffer(values[0])).toBe(true);
      expect(values[0]).toEqual(textLikeGuid);
    }
  });

  it('leaves other types to ldapts: text decoded, undecodable bytes kept as bytes', () => {
    markBinaryAttributes(['objectGUID']);
    expect(roundTrip('mail', Buffer.from('a@contoso.com')).values).toEqual(['a@contoso.com']);
    const invalid = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    expect(roundTrip('otherBlob', invalid).values).toEqual([invalid]);
    expect(roundTrip('objectSid;binary', textLikeGuid).values).toEqual([textLikeGuid]);
  });
});
