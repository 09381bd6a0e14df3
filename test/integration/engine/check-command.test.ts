/**
 * `exo-writeback check` as an admin runs it: everything passes on the lab; with one write right
 * taken away it fails, names exactly that attribute and prints the command that grants it.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sidFromString } from '../../../src/directory/ad-binary.js';
import { readSchemaIdGuids } from '../../../lab/directory/ldap-connection.js';
import { LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { readDacl, withoutWritePropertyAce, writeDacl } from '../directory-adapter/lab-admin.js';
import { adminLdap } from '../../support/lab-engine.js';
import { runCli } from '../../support/run-cli.js';

const facts = inject('lab');
const config = ['--config', facts.engineConfigFile];

describe('check', () => {
  let admin: Client;
  beforeAll(async () => {
    admin = await adminLdap();
  });
  afterAll(async () => {
    await admin.unbind();
  });

  it('passes on the lab', async () => {
    const result = await runCli(['check', ...config]);
    expect(result.stdout).not.toContain('[FAIL]');
    expect(result.stdout).toMatch(/\[ok {2}\] lab\.example\.com: Schema has the attributes/);
    expect(result.stdout).toMatch(/\[ok {2}\] lab\.example\.com: Write rights in OU=Cloud Mailboxes/);
    expect(result.stdout).toContain('All checks passed.');
    expect(result.code).toBe(0);
  });

  it('names the missing right and prints the delegation commands that grant it', async () => {
    const removed = 'extensionAttribute9';
    const guid = (await readSchemaIdGuids(admin, [removed])).get(removed)!;
    const report = JSON.parse((await runCli(['check', '--json', ...config])).stdout) as { items: Array<{ name: string; detail: string }> };
    const bind = report.items.find((i) => i.name.endsWith('LDAP bind and TLS'))!;
    const sid = /S-1-5-21-[\d-]+/.exec(bind.detail)![0];
    const original = await readDacl(admin, LAB_OUS.scoped);
    try {
      await writeDacl(admin, LAB_OUS.scoped, withoutWritePropertyAce(original, guid, sidFromString(sid)));
      const result = await runCli(['check', ...config]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`\\[FAIL\\] lab\\.example\\.com: Write rights in ${LAB_OUS.scoped}: .*${removed}`));
      expect(result.stdout).toContain(`dsacls "${LAB_OUS.scoped}" /I:S /G "LAB\\svc-exowb:WP;${removed};user"`);
      expect(result.stdout).toContain(`lDAPDisplayName -eq '${removed}'`);
      expect(result.stdout).toContain('Some checks failed.');
    } finally {
      await writeDacl(admin, LAB_OUS.scoped, original);
    }
    expect((await runCli(['check', ...config])).code).toBe(0);
  });

  it('reports a bad configuration by field, before connecting to anything', async () => {
    const result = await runCli(['check', '--config', '/nonexistent/exo-writeback.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error ConfigNotFound: no configuration file at \/nonexistent\/exo-writeback\.yaml/);
  });
});
