/** Fixed names of the lab's AD domain and Microsoft 365 tenant. */
export const LAB_DOMAIN = {
  /** Kerberos realm / DNS name of the AD domain. */
  realm: 'LAB.EXAMPLE.COM',
  dnsName: 'lab.example.com',
  netbiosName: 'LAB',
  baseDn: 'DC=lab,DC=example,DC=com',
} as const;

export const LAB_TENANT = {
  /** Directory (tenant) id of the emulated Microsoft 365 tenant. */
  tenantId: '6b1f3c2e-5d4a-4e8b-9c7d-2a1b0c9d8e7f',
  initialDomain: 'contoso.onmicrosoft.com',
  routingDomain: 'contoso.mail.onmicrosoft.com',
  mailDomain: 'contoso.com',
  /** Organisation name as it appears in legacyExchangeDN values. */
  exchangeOrganisation: 'Contoso',
} as const;

/** The lab's organisational units. Only `scoped` (and below) is delegated to the service account. */
export const LAB_OUS = {
  root: `OU=Contoso,${LAB_DOMAIN.baseDn}`,
  scoped: `OU=Cloud Mailboxes,OU=Contoso,${LAB_DOMAIN.baseDn}`,
  resources: `OU=Resources,OU=Cloud Mailboxes,OU=Contoso,${LAB_DOMAIN.baseDn}`,
  outside: `OU=Other Users,OU=Contoso,${LAB_DOMAIN.baseDn}`,
  serviceAccounts: `OU=Service Accounts,OU=Contoso,${LAB_DOMAIN.baseDn}`,
} as const;

/** sAMAccountName of the least-privilege account the engine binds as. */
export const SERVICE_ACCOUNT_NAME = 'svc-exowb';
