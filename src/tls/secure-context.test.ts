import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { secureContextTrusting } from './secure-context.js';

describe('secureContextTrusting', () => {
  it('builds one context per CA and hands the same one out again', () => {
    const [a, b] = rootCertificates;
    const first = secureContextTrusting(a!);
    expect(secureContextTrusting(a!)).toBe(first);
    expect(secureContextTrusting(b!)).not.toBe(first);
  });
});
