import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAILURE_CODES, objectFailure } from './object-failure.js';

describe('objectFailure', () => {
  it('fills the category and the recommended action of the code', () => {
    expect(objectFailure('AccessDenied', 'write refused')).toEqual({
      code: 'AccessDenied',
      reason: 'write refused',
      errorCategory: 'ConfigurationFailure',
      recommendedAction: expect.stringContaining('Delegate write property') as string,
    });
    expect(objectFailure('DirectoryError', 'busy', 'LDAP 51').additionalDetails).toBe('LDAP 51');
    expect(objectFailure('CloudError', 'x').errorCategory).toBe('ServiceFailure');
    expect(objectFailure('NoMatchingTarget', 'x').errorCategory).toBe('NonServiceFailure');
  });

  it('has an admin-quality recommended action for every code', () => {
    for (const code of FAILURE_CODES) expect(objectFailure(code, 'r').recommendedAction.length).toBeGreaterThan(40);
  });

  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Per-object failures'));
    expect(FAILURE_CODES.filter((code) => !section.includes(`\`${code}\``))).toEqual([]);
  });
});
