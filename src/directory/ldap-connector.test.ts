import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { DirectoryConfigError } from './directory-errors.js';
import { tlsOptionsFor, validateUrls } from './ldap-connector.js';

describe('ldap connector', () => {
  it('accepts ldaps:// and ldap:// (StartTLS), refuses anything that could bind in clear text', () => {
    expect(() => validateUrls(['ldaps://dc1.contoso.com', 'ldap://dc2.contoso.com:389'], undefined)).not.toThrow();
    expect(() => validateUrls([], undefined)).toThrow(DirectoryConfigError);
    expect(() => validateUrls(['dc1.contoso.com'], undefined)).toThrow(DirectoryConfigError);
    expect(() => validateUrls(['https://dc1'], undefined)).toThrow(DirectoryConfigError);
    expect(() => validateUrls(['ldap://dc1'], false)).toThrow(/clear text/);
  });

  it('adds a CA to the default trust and always verifies', () => {
    expect(tlsOptionsFor(undefined)).toEqual({ rejectUnauthorized: true });
    // Any valid certificate stands in for a private CA here.
    const caPem = rootCertificates[0]!;
    const withCa = tlsOptionsFor(caPem);
    expect(withCa.rejectUnauthorized).toBe(true);
    expect(withCa.secureContext).toBeDefined();
    // One context per CA, shared by every connection (building one parses the default trust store).
    expect(tlsOptionsFor(caPem).secureContext).toBe(withCa.secureContext);
  });

  it('holds the connection through a type without add, delete or rename (and no code calls them)', () => {
    for (const file of ['ldap-directory.ts', 'ldap-connector.ts']) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      expect(source, file).not.toMatch(/\.(del|modifyDN)\(/);
      expect(source, file).not.toMatch(/client\.add\(/);
    }
  });
});
