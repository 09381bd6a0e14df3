/**
 * The lab's throw-away PKI: a test CA, one server certificate for the Samba DC and the tenant
 * emulator (SAN IP:127.0.0.1 so TLS is verified, never switched off), and the app registration's
 * client certificate used for certificate-based token requests.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../run-command.js';
import { fileExists } from '../file-exists.js';

/** Paths of the lab's PEM files (all under `<labDir>/pki`). */
export interface LabCertificates {
  caCertFile: string;
  caKeyFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  appCertFile: string;
  appKeyFile: string;
}

/** Host names the server certificate is valid for, besides IP 127.0.0.1 and ::1. */
export const SERVER_DNS_NAMES = ['localhost', 'dc1.lab.example.com'];

/** Returns the PEM paths under `<labDir>/pki` without creating anything. */
export function certificatePaths(labDir: string): LabCertificates {
  const pki = join(labDir, 'pki');
  return {
    caCertFile: join(pki, 'ca.pem'),
    caKeyFile: join(pki, 'ca.key'),
    serverCertFile: join(pki, 'server.pem'),
    serverKeyFile: join(pki, 'server.key'),
    appCertFile: join(pki, 'app.pem'),
    appKeyFile: join(pki, 'app.key'),
  };
}

/**
 * Creates the lab PKI once; later calls reuse the existing files.
 * Private keys are written with mode 0600.
 */
export async function ensureLabCertificates(labDir: string): Promise<LabCertificates> {
  const paths = certificatePaths(labDir);
  await mkdir(join(labDir, 'pki'), { recursive: true, mode: 0o700 });
  if (await fileExists(paths.caCertFile) && await fileExists(paths.serverCertFile) && await fileExists(paths.appCertFile)) {
    return paths;
  }
  const days = '3650';
  await runCommand('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', days,
    '-subj', '/CN=exo-writeback lab CA', '-keyout', paths.caKeyFile, '-out', paths.caCertFile,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);

  const csr = join(labDir, 'pki', 'server.csr');
  const ext = join(labDir, 'pki', 'server.ext');
  const san = ['IP:127.0.0.1', 'IP:::1', ...SERVER_DNS_NAMES.map((n) => `DNS:${n}`)].join(',');
  await writeFile(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  await runCommand('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=dc1.lab.example.com',
    '-keyout', paths.serverKeyFile, '-out', csr]);
  await runCommand('openssl', ['x509', '-req', '-in', csr, '-CA', paths.caCertFile, '-CAkey', paths.caKeyFile,
    '-CAcreateserial', '-days', days, '-sha256', '-extfile', ext, '-out', paths.serverCertFile]);

  await runCommand('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '730',
    '-subj', '/CN=exo-writeback lab app', '-keyout', paths.appKeyFile, '-out', paths.appCertFile]);

  for (const key of [paths.caKeyFile, paths.serverKeyFile, paths.appKeyFile]) await chmod(key, 0o600);
  return paths;
}

/** Thumbprints of a certificate as Entra ID uses them in `x5t` (SHA-1) and `x5t#S256` (SHA-256), base64url. */
export interface CertificateThumbprints {
  x5t: string;
  x5tS256: string;
}

/** Computes the base64url SHA-1 and SHA-256 thumbprints of a PEM certificate's DER bytes. */
export function thumbprints(certificatePem: string): CertificateThumbprints {
  const cert = new X509Certificate(certificatePem);
  const hexToB64url = (hex: string) => Buffer.from(hex.replaceAll(':', ''), 'hex').toString('base64url');
  return { x5t: hexToB64url(cert.fingerprint), x5tS256: hexToB64url(cert.fingerprint256) };
}

/** Reads a PEM file as text. */
export function readPem(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
