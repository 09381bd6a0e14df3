/**
 * TLS trust for the engine's connections: a configured CA is added to Node's public roots, not
 * substituted for them (Microsoft's endpoints must still verify), and verification stays on.
 * Building such a context parses every root (~20 ms), so there is one per CA for the process,
 * shared by the LDAP connections and the HTTPS agents.
 */
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

const contexts = new Map<string, SecureContext>();

/** The context that trusts the public roots and `caPem` (PEM, one or more certificates). */
export function secureContextTrusting(caPem: string): SecureContext {
  let context = contexts.get(caPem);
  if (!context) contexts.set(caPem, (context = createSecureContext({ ca: [...rootCertificates, caPem] })));
  return context;
}
