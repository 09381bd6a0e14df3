import { describe, expect, it } from 'vitest';
import { hashSecret, SECRET_HASH_PATTERN, verifySecret } from './secret-hash.js';

describe('secret hashes', () => {
  it('verifies the secret it hashed and nothing else; each hash has its own salt', async () => {
    const hash = await hashSecret('correct horse battery');
    expect(hash).toMatch(SECRET_HASH_PATTERN);
    expect(hash).not.toContain('correct horse battery');
    expect(await verifySecret('correct horse battery', hash)).toBe(true);
    expect(await verifySecret('correct horse batterY', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
    expect(await hashSecret('correct horse battery')).not.toBe(hash);
  });

  it('rejects short secrets, malformed hashes and abusive cost parameters', async () => {
    await expect(hashSecret('short')).rejects.toThrow(RangeError);
    expect(await verifySecret('anything at all', 'plain-text-password')).toBe(false);
    const hash = await hashSecret('correct horse battery');
    expect(await verifySecret('correct horse battery', hash.replace(/^scrypt:32768:/, 'scrypt:1073741824:'))).toBe(false);
    expect(await verifySecret('correct horse battery', hash.replace(/^scrypt:32768:/, 'scrypt:1000:'))).toBe(false);
  });
});
