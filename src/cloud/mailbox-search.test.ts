import { describe, expect, it } from 'vitest';
import { InvalidSearchTermError, mailboxSearchFilter } from './mailbox-search.js';

describe('mailboxSearchFilter', () => {
  it('searches display name, alias, UPN and SMTP addresses by prefix, never with a leading wildcard', () => {
    expect(mailboxSearchFilter(' ashley ')).toBe(
      "(DisplayName -like 'ashley*') -or (Alias -like 'ashley*') -or (UserPrincipalName -like 'ashley*') -or (EmailAddresses -like 'smtp:ashley*')",
    );
  });

  it("quotes single quotes and drops typed wildcards, so input never changes the filter's shape", () => {
    const q = "o''brien'') -or (Name -like ''";
    expect(mailboxSearchFilter("o'brien') -or (Name -like '*")).toBe(
      `(DisplayName -like '${q}*') -or (Alias -like '${q}*') -or (UserPrincipalName -like '${q}*') -or (EmailAddresses -like 'smtp:${q}*')`,
    );
  });

  it('refuses empty, oversized and control-character terms', () => {
    expect(() => mailboxSearchFilter('  ** ')).toThrow(InvalidSearchTermError);
    expect(() => mailboxSearchFilter('a'.repeat(257))).toThrow(/longer than 256/);
    expect(() => mailboxSearchFilter('ash\u0000ley')).toThrow(/control characters/);
  });
});
