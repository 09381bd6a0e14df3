import { describe, it, expect } from 'vitest';
import { guidToBytes } from './ad-binary.js';
import { DELEGATED_ATTRIBUTES, STANDARD_WRITEBACK_ATTRIBUTES, delegationAces, writePropertyAce } from './delegation-acl.js';

const USER_CLASS = 'bf967aba-0de6-11d0-a285-00aa003049e2';
const SID = 'S-1-5-21-1-2-3-1105';

describe('writePropertyAce', () => {
  it('builds an inherit-only object ACE for one attribute on user objects', () => {
    expect(writePropertyAce('BF967961-0DE6-11D0-A285-00AA003049E2', USER_CLASS, SID))
      .toBe(`(OA;CIIO;WP;bf967961-0de6-11d0-a285-00aa003049e2;${USER_CLASS};${SID})`);
  });
});

describe('delegated attributes', () => {
  it('are Microsoft\'s 24 plus the two extended ones, and no identity attribute', () => {
    expect(STANDARD_WRITEBACK_ATTRIBUTES).toHaveLength(24);
    expect(DELEGATED_ATTRIBUTES).toHaveLength(26);
    for (const identity of ['displayName', 'title', 'userPrincipalName', 'targetAddress', 'mailNickname']) {
      expect(DELEGATED_ATTRIBUTES).not.toContain(identity);
    }
  });
});

describe('delegationAces', () => {
  const guids = new Map<string, Buffer>([['user', guidToBytes(USER_CLASS)]]);
  DELEGATED_ATTRIBUTES.forEach((name, i) => guids.set(name, guidToBytes(`00000000-0000-0000-0000-${String(i).padStart(12, '0')}`)));

  it('emits one ACE per delegated attribute, converting schemaIDGUID bytes', () => {
    const aces = delegationAces(guids, SID);
    expect(aces).toHaveLength(DELEGATED_ATTRIBUTES.length);
    expect(aces[0]).toBe(`(OA;CIIO;WP;00000000-0000-0000-0000-000000000000;${USER_CLASS};${SID})`);
  });

  it('refuses to run with a missing attribute GUID', () => {
    const partial = new Map(guids);
    partial.delete('mail');
    expect(() => delegationAces(partial, SID)).toThrow(/mail/);
  });
});
