import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToGlobal, generatePassword } from './samba-provision.js';
import { directoryPaths } from './directory-paths.js';

describe('appendToGlobal', () => {
  it('puts settings at the top of [global], replacing same-named ones, leaving shares alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exowb-'));
    const file = join(dir, 'smb.conf');
    await writeFile(file, '# Global parameters\n[global]\n\tserver services = s3fs, rpc\n\trealm = X\n\n[sysvol]\n\tpath = /p\n');
    await appendToGlobal(file, ['server services = ldap', 'tls enabled = yes']);
    const text = await readFile(file, 'utf8');
    await rm(dir, { recursive: true });
    expect(text).toBe('# Global parameters\n[global]\n\tserver services = ldap\n\ttls enabled = yes\n\trealm = X\n\n[sysvol]\n\tpath = /p\n');
  });
});

describe('generatePassword', () => {
  it('is random and meets AD complexity (upper, lower, digit, symbol)', () => {
    const a = generatePassword();
    expect(a).not.toBe(generatePassword());
    expect(a.length).toBeGreaterThanOrEqual(24);
    expect(a).toMatch(/[A-Z]/);
    expect(a).toMatch(/[a-z]/);
    expect(a).toMatch(/\d/);
    expect(a).toMatch(/[^A-Za-z0-9]/);
  });
});

describe('directoryPaths', () => {
  it('gives each lab dir its own namespace name and keeps socket paths short', () => {
    const a = directoryPaths('/work/main/.lab');
    const b = directoryPaths('/work/main/.lab-test');
    expect(a.netnsName).toMatch(/^exowb-[0-9a-f]{10}$/);
    expect(a.netnsName).not.toBe(b.netnsName);
    const deep = directoryPaths(`/tmp/${'x'.repeat(120)}`);
    expect(Buffer.byteLength(deep.bridgeSocket)).toBeLessThanOrEqual(100);
  });
});
