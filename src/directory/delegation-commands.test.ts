import { describe, expect, it } from 'vitest';
import { delegationCommands, USER_CLASS_GUID } from './delegation-commands.js';

describe('delegationCommands', () => {
  const ous = ['OU=Cloud Mailboxes,OU=Contoso,DC=lab,DC=example,DC=com', 'OU=Sales\\, EMEA,OU=O\'Brien "HQ",DC=lab,DC=example,DC=com'];
  const commands = delegationCommands({ ous, account: 'LAB\\svc-exowb', attributes: ['extensionAttribute1', 'proxyAddresses'] });

  it('writes one dsacls per OU and attribute, OU DNs quoted (spaces, escaped commas, quotes as \\22)', () => {
    expect(commands.dsacls).toEqual([
      'dsacls "OU=Cloud Mailboxes,OU=Contoso,DC=lab,DC=example,DC=com" /I:S /G "LAB\\svc-exowb:WP;extensionAttribute1;user"',
      'dsacls "OU=Cloud Mailboxes,OU=Contoso,DC=lab,DC=example,DC=com" /I:S /G "LAB\\svc-exowb:WP;proxyAddresses;user"',
      'dsacls "OU=Sales\\, EMEA,OU=O\'Brien \\22HQ\\22,DC=lab,DC=example,DC=com" /I:S /G "LAB\\svc-exowb:WP;extensionAttribute1;user"',
      'dsacls "OU=Sales\\, EMEA,OU=O\'Brien \\22HQ\\22,DC=lab,DC=example,DC=com" /I:S /G "LAB\\svc-exowb:WP;proxyAddresses;user"',
    ]);
  });

  it('writes the PowerShell equivalent with literal strings only', () => {
    const ps = commands.powershell;
    expect(ps).toContain('Import-Module ActiveDirectory');
    expect(ps).toContain("[Guid](Get-ADObject -SearchBase $schemaNc -Filter {lDAPDisplayName -eq 'extensionAttribute1'} -Properties schemaIDGUID).schemaIDGUID");
    expect(ps).toContain("[Guid](Get-ADObject -SearchBase $schemaNc -Filter {lDAPDisplayName -eq 'proxyAddresses'} -Properties schemaIDGUID).schemaIDGUID");
    expect(ps).toContain(`$userClass = [Guid]'${USER_CLASS_GUID}'`);
    expect(ps).toContain("New-Object System.Security.Principal.NTAccount('LAB\\svc-exowb')");
    expect(ps).toContain("  'OU=Cloud Mailboxes,OU=Contoso,DC=lab,DC=example,DC=com'");
    // A single quote inside a single-quoted PowerShell string is doubled; nothing else is special.
    expect(ps).toContain("  'OU=Sales\\, EMEA,OU=O''Brien \"HQ\",DC=lab,DC=example,DC=com'");
    expect(ps).toContain('[System.DirectoryServices.ActiveDirectoryRights]::WriteProperty');
    expect(ps).toContain('[System.Security.AccessControl.AccessControlType]::Allow');
    expect(ps).toContain('[System.DirectoryServices.ActiveDirectorySecurityInheritance]::Descendents, $userClass)');
    expect(ps).toContain('Set-Acl -LiteralPath "AD:$ou" -AclObject $acl');
  });

  it('refuses names that could inject commands', () => {
    expect(() => delegationCommands({ ous, account: 'LAB\\x', attributes: ['mail; rm -rf'] })).toThrow(RangeError);
    expect(() => delegationCommands({ ous: ['OU=a\nb'], account: 'LAB\\x', attributes: ['mail'] })).toThrow(RangeError);
  });
});
