/**
 * The least-privilege delegation an admin runs so the service account may write exactly the
 * write-back attributes of user objects below the scoped OUs (spec §9): `dsacls` lines and an
 * equivalent PowerShell script (ActiveDirectory module). Pure: it only builds text.
 */

/** schemaIDGUID of the `user` class (the same in every AD forest). */
export const USER_CLASS_GUID = 'bf967aba-0de6-11d0-a285-00aa003049e2';

/** What to delegate. */
export interface DelegationRequest {
  /** Distinguished names of the OUs (the rights apply to user objects anywhere below each). */
  ous: readonly string[];
  /** The service account as `DOMAIN\name` (or `name@domain`). */
  account: string;
  /** LDAP display names of the attributes. */
  attributes: readonly string[];
}

/** The commands, both ways; either one is enough. */
export interface DelegationCommands {
  /** One `dsacls` command per OU and attribute (cmd.exe or PowerShell). */
  dsacls: string[];
  /** One PowerShell script doing the same with Get-Acl/Set-Acl. */
  powershell: string;
}

/**
 * Quotes a value for a cmd.exe double-quoted argument. A `"` cannot appear inside one, so a DN's
 * quote becomes its RFC 4514 hex escape `\22`, which AD's DN parser reads as the same DN.
 */
function cmdQuote(value: string): string {
  return `"${value.replaceAll('"', '\\22')}"`;
}

/** PowerShell single-quoted string: nothing is interpolated; `'` is doubled. */
function psQuote(value: string): string {
  return `'${value.replace(/['‘’‚‛]/g, (c) => c + c)}'`;
}

/** Refuses names that would break out of the generated command (attribute names are plain LDAP names). */
function checkAttributeName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new RangeError(`not an LDAP attribute name: ${name}`);
}

/** Builds the commands; see {@link DelegationCommands}. */
export function delegationCommands(request: DelegationRequest): DelegationCommands {
  request.attributes.forEach(checkAttributeName);
  if (/[\r\n]/.test(request.account) || request.ous.some((ou) => /[\r\n]/.test(ou))) throw new RangeError('line breaks in an OU or account name');
  // /I:S = inherit to sub-objects only; WP;<attribute>;user = write that property on user objects.
  const dsacls = request.ous.flatMap((ou) => request.attributes.map((attribute) =>
    `dsacls ${cmdQuote(ou)} /I:S /G ${cmdQuote(`${request.account}:WP;${attribute};user`)}`));

  const lines = [
    'Import-Module ActiveDirectory',
    '$schemaNc = (Get-ADRootDSE).schemaNamingContext',
    `$userClass = [Guid]'${USER_CLASS_GUID}'`,
    `$trustee = (New-Object System.Security.Principal.NTAccount(${psQuote(request.account)})).Translate([System.Security.Principal.SecurityIdentifier])`,
    '$attributes = @(',
    ...request.attributes.map((attribute) =>
      `  [Guid](Get-ADObject -SearchBase $schemaNc -Filter {lDAPDisplayName -eq '${attribute}'} -Properties schemaIDGUID).schemaIDGUID  # ${attribute}`),
    ')',
    '$ous = @(',
    ...request.ous.map((ou) => `  ${psQuote(ou)}`),
    ')',
    'foreach ($ou in $ous) {',
    '  $acl = Get-Acl -LiteralPath "AD:$ou"',
    '  foreach ($attribute in $attributes) {',
    '    $rule = New-Object System.DirectoryServices.ActiveDirectoryAccessRule($trustee,',
    '      [System.DirectoryServices.ActiveDirectoryRights]::WriteProperty,',
    '      [System.Security.AccessControl.AccessControlType]::Allow, $attribute,',
    '      [System.DirectoryServices.ActiveDirectorySecurityInheritance]::Descendents, $userClass)',
    '    $acl.AddAccessRule($rule)',
    '  }',
    '  Set-Acl -LiteralPath "AD:$ou" -AclObject $acl',
    '}',
  ];
  return { dsacls, powershell: `${lines.join('\n')}\n` };
}
