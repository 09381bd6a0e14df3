/** Every error code declared in the source is documented in docs/errors.md, and no code is declared twice. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lab/package-root.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  const root = packageRoot();
  const codes = ['src', 'lab'].flatMap((dir) => sourceFiles(join(root, dir))).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/readonly code(?::\s*string)?\s*=\s*'([A-Za-z]+)'/g)].map((m) => m[1]!),
  );

  it('finds the declared codes', () => {
    expect(codes.length).toBeGreaterThan(10);
  });

  it('declares each code once', () => {
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
  });

  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    expect(codes.filter((code) => !doc.includes(`\`${code}\``))).toEqual([]);
  });
});
