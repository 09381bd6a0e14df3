import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_CATALOGUE } from '../core/attribute-catalogue.js';
import type { DirectoryObject } from '../core/directory-object.js';
import { AnchorIndex } from './anchor-index.js';

const object = (n: number, overrides: Partial<DirectoryObject> = {}): DirectoryObject => ({
  distinguishedName: `CN=User ${n},OU=Sales,DC=contoso,DC=com`,
  objectGuid: Buffer.alloc(16, n),
  objectSid: `S-1-5-21-1-2-3-${1000 + n}`,
  consistencyGuid: null,
  externalDirectoryObjectId: `User_0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`,
  displayName: `User ${n}`,
  whenChanged: null,
  uSNChanged: null,
  attributes: {},
  ...overrides,
});

const names = (list: DirectoryObject[]) => list.map((o) => o.displayName).sort();

describe('AnchorIndex', () => {
  it('finds by mS-DS-ConsistencyGuid or objectGUID, by SID and by external id, each separately', () => {
    const index = new AnchorIndex();
    const moved = object(1, { consistencyGuid: Buffer.alloc(16, 0xa1) });
    const legacy = object(2);
    index.put(moved);
    index.put(legacy);
    expect(names(index.find({ immutableId: Buffer.alloc(16, 0xa1), sid: null, externalDirectoryObjectId: null }).byImmutableId)).toEqual(['User 1']);
    expect(names(index.find({ immutableId: Buffer.alloc(16, 2), sid: null, externalDirectoryObjectId: null }).byImmutableId)).toEqual(['User 2']);
    const bySid = index.find({ immutableId: null, sid: 'S-1-5-21-1-2-3-1002', externalDirectoryObjectId: null });
    expect([names(bySid.byImmutableId), names(bySid.bySid), names(bySid.byExternalDirectoryObjectId)]).toEqual([[], ['User 2'], []]);
    expect(names(index.find({ immutableId: null, sid: null, externalDirectoryObjectId: 'USER_00000001-AAAA-4BBB-8CCC-DDDDDDDDDDDD' }).byExternalDirectoryObjectId)).toEqual(['User 1']);
  });

  it('returns both objects when one has the immutable id as consistency GUID and another as objectGUID (a conflict to decide)', () => {
    const index = new AnchorIndex();
    index.put(object(1, { consistencyGuid: Buffer.alloc(16, 2) }));
    index.put(object(2));
    expect(names(index.find({ immutableId: Buffer.alloc(16, 2), sid: null, externalDirectoryObjectId: null }).byImmutableId)).toEqual(['User 1', 'User 2']);
  });

  it('matches a SID written in another case or with leading zeros as LDAP does (binary), and nothing for a non-SID', () => {
    const index = new AnchorIndex();
    index.put(object(7));
    expect(names(index.find({ immutableId: null, sid: 's-1-5-21-1-2-3-01007', externalDirectoryObjectId: null }).bySid)).toEqual(['User 7']);
    expect(index.find({ immutableId: null, sid: 'not a sid', externalDirectoryObjectId: null }).bySid).toEqual([]);
  });

  it('hands back exactly the object it was given (packed in between)', () => {
    const attributes = Object.fromEntries(ATTRIBUTE_CATALOGUE.map((a) => [a.ldapName, [] as string[]]));
    attributes.proxyAddresses = ['SMTP:a@contoso.com', 'smtp:ä"\\,@contoso.com'];
    attributes.extensionAttribute1 = ['東京 *()'];
    const original = object(3, { consistencyGuid: Buffer.from('00ff10ab00ff10ab00ff10ab00ff10ab', 'hex'), whenChanged: '20261124120000.0Z', uSNChanged: '12345', attributes });
    const index = new AnchorIndex();
    index.put(original);
    expect(index.get(original.objectGuid)).toEqual(original);
    expect(index.find({ immutableId: original.consistencyGuid, sid: null, externalDirectoryObjectId: null }).byImmutableId).toEqual([original]);
  });

  it('hands out one object once per lookup when several anchors find it', () => {
    const index = new AnchorIndex();
    index.put(object(4, { externalDirectoryObjectId: 'User_d' }));
    const found = index.find({ immutableId: Buffer.alloc(16, 4), sid: 'S-1-5-21-1-2-3-1004', externalDirectoryObjectId: 'user_D' });
    expect(found.byImmutableId[0]).toBe(found.bySid[0]);
    expect(found.bySid[0]).toBe(found.byExternalDirectoryObjectId[0]);
    expect(found.byImmutableId[0]!.displayName).toBe('User 4');
  });

  it('takes a * in an external id literally', () => {
    const index = new AnchorIndex();
    index.put(object(1));
    expect(index.find({ immutableId: null, sid: null, externalDirectoryObjectId: 'User_*' }).byExternalDirectoryObjectId).toEqual([]);
  });

  it('replaces an object put again under the same objectGUID, dropping its old anchors', () => {
    const index = new AnchorIndex();
    index.put(object(1));
    index.put(object(1, { objectSid: 'S-1-5-21-9-9-9-9', externalDirectoryObjectId: null, displayName: 'Renamed' }));
    expect(index.size).toBe(1);
    expect(index.find({ immutableId: null, sid: 'S-1-5-21-1-2-3-1001', externalDirectoryObjectId: 'User_00000001-aaaa-4bbb-8ccc-dddddddddddd' })).toEqual({ byImmutableId: [], bySid: [], byExternalDirectoryObjectId: [] });
    expect(names(index.find({ immutableId: Buffer.alloc(16, 1), sid: 'S-1-5-21-9-9-9-9', externalDirectoryObjectId: null }).bySid)).toEqual(['Renamed']);
    index.remove(Buffer.alloc(16, 1));
    expect(index.size).toBe(0);
    expect(index.find({ immutableId: Buffer.alloc(16, 1), sid: 'S-1-5-21-9-9-9-9', externalDirectoryObjectId: null })).toEqual({ byImmutableId: [], bySid: [], byExternalDirectoryObjectId: [] });
  });

  it('answers like a linear scan of the same objects (property)', () => {
    const guid = fc.integer({ min: 0, max: 5 }).map((n) => Buffer.alloc(16, n));
    const objects = fc.array(fc.record({
      n: fc.integer({ min: 0, max: 5 }),
      consistency: fc.option(guid, { nil: null }),
      sid: fc.option(fc.integer({ min: 0, max: 3 }).map((n) => `S-1-5-21-1-2-3-${n}`), { nil: null }),
      external: fc.option(fc.constantFrom('User_a', 'USER_A', 'User_b'), { nil: null }),
    }), { maxLength: 8 });
    const query = fc.record({
      immutableId: fc.option(guid, { nil: null }),
      sid: fc.option(fc.integer({ min: 0, max: 3 }).map((n) => `S-1-5-21-1-2-3-${n}`), { nil: null }),
      externalDirectoryObjectId: fc.option(fc.constantFrom('user_a', 'User_b', 'User_c'), { nil: null }),
    });
    fc.assert(fc.property(objects, query, (specs, q) => {
      // Last put wins per objectGUID, as in AD (one object per GUID).
      const byGuid = new Map<number, DirectoryObject>();
      for (const s of specs) byGuid.set(s.n, object(s.n, { consistencyGuid: s.consistency, objectSid: s.sid, externalDirectoryObjectId: s.external }));
      const all = [...byGuid.values()];
      const index = new AnchorIndex();
      for (const s of specs) index.put(object(s.n, { consistencyGuid: s.consistency, objectSid: s.sid, externalDirectoryObjectId: s.external }));
      const found = index.find(q);
      const guids = (list: DirectoryObject[]) => list.map((o) => o.objectGuid.toString('hex')).sort();
      expect(guids(found.byImmutableId)).toEqual(guids(all.filter((o) => q.immutableId && (o.consistencyGuid?.equals(q.immutableId) || o.objectGuid.equals(q.immutableId)))));
      expect(guids(found.bySid)).toEqual(guids(all.filter((o) => q.sid !== null && o.objectSid === q.sid)));
      expect(guids(found.byExternalDirectoryObjectId)).toEqual(guids(all.filter((o) => q.externalDirectoryObjectId !== null && o.externalDirectoryObjectId?.toLowerCase() === q.externalDirectoryObjectId.toLowerCase())));
    }));
  });
});
