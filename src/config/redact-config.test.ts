import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { REDACTED, redactConfig } from './redact-config.js';

const HASH = 'scrypt:32768:8:1:c2FsdHNhbHRzYWx0c2FsdA==:aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

describe('redactConfig', () => {
  it('replaces inline secrets and hashes, keeps references to where secrets live', () => {
    const source = configSchema.parse({
      tenant: { tenantId: 'contoso.onmicrosoft.com', clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', credential: { clientSecret: 'very-secret-value' } },
      domains: [
        { name: 'corp.contoso.com', ldapUrls: ['ldaps://dc1'], baseDn: 'DC=corp,DC=contoso,DC=com', bindName: 'svc@corp', password: 'ldap-password-1' },
        { name: 'emea.contoso.com', ldapUrls: ['ldaps://dc2'], baseDn: 'DC=emea,DC=contoso,DC=com', bindName: 'svc@emea', passwordFile: '/etc/exowb/emea.password' },
      ],
      service: { http: { host: '0.0.0.0', auth: { passwordHash: HASH, tokenHashFile: '/etc/exowb/token.hash' } } },
    });
    const redacted = redactConfig(source) as typeof source;
    const text = JSON.stringify(redacted);
    for (const secret of ['very-secret-value', 'ldap-password-1', HASH]) expect(text).not.toContain(secret);
    expect(redacted.tenant.credential.clientSecret).toBe(REDACTED);
    expect(redacted.domains[0]!.password).toBe(REDACTED);
    expect(redacted.domains[1]!.passwordFile).toBe('/etc/exowb/emea.password');
    expect(redacted.service.http.auth).toEqual({ passwordHash: REDACTED, tokenHashFile: '/etc/exowb/token.hash' });
    // Defaults are shown: this is the effective configuration.
    expect(redacted.service.intervalSeconds).toBe(120);
    expect(source.tenant.credential.clientSecret).toBe('very-secret-value');
  });
});
