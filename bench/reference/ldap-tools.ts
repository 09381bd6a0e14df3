/** OpenLDAP's command-line tools against a lab DC, as the lab's service account, measured. */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LabFacts } from '../../lab/lab-facts.js';
import { DIRECTORY_OBJECT_ATTRIBUTES } from '../../src/directory/directory-entry.js';
import { measure, type Measured } from '../process-meter.js';

/** Runs `ldapmodify`/`ldapsearch` with `args` over one LDAPS connection; throws on a non-zero exit. */
export async function ldapTool(facts: LabFacts, tool: 'ldapmodify' | 'ldapsearch', args: string[], stdoutFile?: string): Promise<Measured> {
  const passwordFile = join(facts.dir, 'secrets', 'service-account.password');
  const run = await measure(tool, ['-H', facts.directory.ldapUrl, '-x', '-D', facts.directory.serviceAccount.bindName, '-y', passwordFile, ...args], {
    env: { LDAPTLS_CACERT: facts.directory.caFile },
    ...(stdoutFile ? { stdoutFile } : {}),
  });
  if (run.exitCode !== 0) throw new Error(`${tool} exited ${run.exitCode}: ${run.stderr.slice(-2000)}`);
  return run;
}

/** Counts the entries (`dn:` lines) of an LDIF file, streaming it. */
export async function countLdifEntries(file: string): Promise<number> {
  let count = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.startsWith('dn:')) count++;
  return count;
}

/** A paged `ldapsearch` (1,000 a page) of every user with the attributes the engine reads, into `ldifFile`. */
export function searchAllUsers(facts: LabFacts, ldifFile: string): Promise<Measured> {
  return ldapTool(facts, 'ldapsearch', [
    '-LLL', '-b', facts.directory.baseDn, '-E', 'pr=1000/noprompt', '(&(objectCategory=person)(objectClass=user))', ...DIRECTORY_OBJECT_ATTRIBUTES,
  ], ldifFile);
}
