import { describe, expect, it } from 'vitest';
import type { CloudUser } from './cloud-user.js';
import type { DirectoryObject } from './directory-object.js';
import { cloudAnchors, decideMatch, type CloudAnchors } from './matching.js';

const user = (overrides: Partial<CloudUser> = {}): CloudUser => ({
  id: '5b2a3c4d-0000-4000-8000-000000000001',
  displayName: 'Ashley Taylor',
  userPrincipalName: 'ashley@contoso.com',
  onPremisesImmutableId: Buffer.alloc(16, 7).toString('base64'),
  onPremisesSecurityIdentifier: 'S-1-5-21-1004336348-1177238915-682003330-1104',
  onPremisesDistinguishedName: null,
  onPremisesDomainName: 'contoso.com',
  onPremisesSyncEnabled: true,
  ...overrides,
});

const object = (n: number, overrides: Partial<DirectoryObject> = {}): DirectoryObject => ({
  distinguishedName: `CN=User ${n},OU=Sales,DC=contoso,DC=com`,
  objectGuid: Buffer.alloc(16, n),
  objectSid: null,
  consistencyGuid: null,
  externalDirectoryObjectId: null,
  displayName: `User ${n}`,
  whenChanged: null,
  uSNChanged: null,
  attributes: {},
  ...overrides,
});

const none = { byImmutableId: [], bySid: [], byExternalDirectoryObjectId: [] };

describe('cloudAnchors', () => {
  it('decodes the immutable id and builds User_<id>', () => {
    const a = cloudAnchors(user()) as CloudAnchors;
    expect(a.immutableId).toEqual(Buffer.alloc(16, 7));
    expect(a.sid).toBe('S-1-5-21-1004336348-1177238915-682003330-1104');
    expect(a.externalDirectoryObjectId).toBe('User_5b2a3c4d-0000-4000-8000-000000000001');
  });

  it('allows absent anchors', () => {
    expect(cloudAnchors(user({ onPremisesImmutableId: null, onPremisesSecurityIdentifier: null }))).toMatchObject({ immutableId: null, sid: null });
  });

  it('fails InvalidAnchor for an immutable id that is not 16 bytes', () => {
    const r = cloudAnchors(user({ onPremisesImmutableId: Buffer.from('ashley@contoso.com').toString('base64') }));
    expect('failure' in r && r.failure.code).toBe('InvalidAnchor');
    expect('failure' in r && r.failure.reason).toContain('18 bytes');
  });

  it('fails InvalidAnchor for an immutable id that is not base64', () => {
    const r = cloudAnchors(user({ onPremisesImmutableId: 'not base64!' }));
    expect('failure' in r && r.failure.code).toBe('InvalidAnchor');
  });

  it('fails InvalidAnchor for a malformed SID and normalises the S', () => {
    expect('failure' in cloudAnchors(user({ onPremisesSecurityIdentifier: 'S-1-x' }))).toBe(true);
    expect((cloudAnchors(user({ onPremisesSecurityIdentifier: 's-1-5-21-1' })) as CloudAnchors).sid).toBe('S-1-5-21-1');
  });
});

describe('decideMatch', () => {
  it('matches by immutable id first, naming the anchor, DN and objectGUID', () => {
    const r = decideMatch({ ...none, byImmutableId: [object(1)], bySid: [object(1)] });
    expect(r).toMatchObject({ ok: true, anchor: 'immutableId' });
    if (r.ok) expect(r.details).toBe('Matched by immutable id: CN=User 1,OU=Sales,DC=contoso,DC=com (objectGUID 01010101-0101-0101-0101-010101010101)');
  });

  it('says whether the immutable id matched mS-DS-ConsistencyGuid or objectGUID', () => {
    const anchors: CloudAnchors = { immutableId: Buffer.alloc(16, 9), sid: null, externalDirectoryObjectId: 'User_x' };
    const viaConsistency = decideMatch({ ...none, byImmutableId: [object(1, { consistencyGuid: Buffer.alloc(16, 9) })] }, anchors);
    expect(viaConsistency.ok && viaConsistency.details).toContain('mS-DS-ConsistencyGuid');
    const viaGuid = decideMatch({ ...none, byImmutableId: [object(9)] }, anchors);
    expect(viaGuid.ok && viaGuid.details).toContain('immutable id = objectGUID');
  });

  it('falls back to objectSid, then msDS-ExternalDirectoryObjectId', () => {
    expect(decideMatch({ ...none, bySid: [object(2)] })).toMatchObject({ ok: true, anchor: 'sid' });
    expect(decideMatch({ ...none, byExternalDirectoryObjectId: [object(3)] })).toMatchObject({ ok: true, anchor: 'externalDirectoryObjectId' });
  });

  it('treats the same object found twice as one', () => {
    expect(decideMatch({ ...none, byImmutableId: [object(1), object(1, { consistencyGuid: Buffer.alloc(16, 1) })] })).toMatchObject({ ok: true });
  });

  it('fails NoMatchingTarget when no anchor finds anything', () => {
    const r = decideMatch(none);
    expect(!r.ok && r.failure.code).toBe('NoMatchingTarget');
  });

  it('fails DuplicateTargetEntries when the deciding anchor finds several objects, naming them', () => {
    const r = decideMatch({ ...none, bySid: [object(1), object(2)] });
    expect(!r.ok && r.failure.code).toBe('DuplicateTargetEntries');
    expect(!r.ok && r.failure.reason).toContain('CN=User 2');
  });

  it('fails AnchorConflict when another anchor points at a different object', () => {
    const later = decideMatch({ ...none, byImmutableId: [object(1)], byExternalDirectoryObjectId: [object(2)] });
    expect(!later.ok && later.failure.code).toBe('AnchorConflict');
    expect(!later.ok && later.failure.reason).toContain('CN=User 2');
    const mixed = decideMatch({ ...none, bySid: [object(3)], byExternalDirectoryObjectId: [object(3), object(4)] });
    expect(!mixed.ok && mixed.failure.code).toBe('AnchorConflict');
  });

  it('reports duplicates of the deciding anchor before conflicts with later ones', () => {
    const r = decideMatch({ ...none, byImmutableId: [object(1), object(2)], bySid: [object(3)] });
    expect(!r.ok && r.failure.code).toBe('DuplicateTargetEntries');
  });
});
