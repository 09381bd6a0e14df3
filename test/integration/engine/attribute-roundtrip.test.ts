/**
 * Every standard attribute round-trips: an admin change in Exchange Online (made like PowerShell,
 * through the emulator's gateway), then a `sync`, and AD holds exactly the cloud value.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WritebackEngine } from '../../../src/engine/writeback-engine.js';
import { adminLdap, exoSet, labEngine, readUser } from '../../support/lab-engine.js';

const JURGEN = 'jurgen.muller@contoso.com';

describe('attribute round trips through sync', () => {
  let ldap: Client;
  let engine: WritebackEngine;

  beforeAll(async () => {
    ldap = await adminLdap();
    ({ engine } = await labEngine());
    await engine.sync();
  });
  afterAll(async () => {
    await engine.close();
    await ldap.unbind();
  });

  const sync = async () => {
    const summary = await engine.sync();
    expect(summary.failed).toEqual({});
    return summary;
  };

  it('writes and clears extensionAttributeN from CustomAttributeN', async () => {
    await exoSet(JURGEN, { customAttribute: ['1=Cost centre 4711', '15=Ω λ 東京 Müller'] });
    const summary = await sync();
    expect(summary.updated).toBe(1);
    expect(await readUser(ldap, 'jmueller', ['extensionAttribute1', 'extensionAttribute15'])).toMatchObject({
      extensionAttribute1: ['Cost centre 4711'],
      extensionAttribute15: ['Ω λ 東京 Müller'],
    });
    await exoSet(JURGEN, { customAttribute: ['1=', '15='] });
    await sync();
    expect(await readUser(ldap, 'jmueller', ['extensionAttribute1', 'extensionAttribute15'])).toMatchObject({ extensionAttribute1: [], extensionAttribute15: [] });
  });

  it('keeps msExchExtensionCustomAttributeN as a set, value by value', async () => {
    await exoSet(JURGEN, { addExtensionCustomAttribute: ['3=alpha', '3=beta'] });
    await sync();
    expect((await readUser(ldap, 'jmueller', ['msExchExtensionCustomAttribute3'])).msExchExtensionCustomAttribute3.sort()).toEqual(['alpha', 'beta']);
    await exoSet(JURGEN, { removeExtensionCustomAttribute: ['3=alpha'] });
    const summary = await sync();
    expect(summary.valuesRemoved).toBe(1);
    expect((await readUser(ldap, 'jmueller', ['msExchExtensionCustomAttribute3'])).msExchExtensionCustomAttribute3).toEqual(['beta']);
    await exoSet(JURGEN, { extensionCustomAttribute: ['3='] });
    await sync();
    expect((await readUser(ldap, 'jmueller', ['msExchExtensionCustomAttribute3'])).msExchExtensionCustomAttribute3).toEqual([]);
  });

  it('adds and removes aliases, keeps on-prem X500 values and never writes SPO values', async () => {
    const before = await readUser(ldap, 'jmueller', ['proxyAddresses']);
    const x500 = before.proxyAddresses.filter((v) => v.startsWith('X500:/o=Contoso'));
    expect(x500).toHaveLength(1);
    // The cloud drops the on-prem X500 and gains an alias: AD gains the alias and keeps the X500.
    const mailbox = (await exoSet(JURGEN, { addAlias: ['jm.alias@contoso.com'], })) as { EmailAddresses: string[] };
    await exoSet(JURGEN, { removeAlias: [x500[0]!] });
    expect(mailbox.EmailAddresses.some((v) => v.startsWith('SPO:'))).toBe(true);
    await sync();
    const after = (await readUser(ldap, 'jmueller', ['proxyAddresses'])).proxyAddresses;
    expect(after).toContain('smtp:jm.alias@contoso.com');
    expect(after).toContain(x500[0]);
    expect(after.some((v) => /^spo:/i.test(v))).toBe(false);
    await exoSet(JURGEN, { removeAlias: ['jm.alias@contoso.com'] });
    await sync();
    expect((await readUser(ldap, 'jmueller', ['proxyAddresses'])).proxyAddresses).not.toContain('smtp:jm.alias@contoso.com');
  });

  it('swaps the primary by case alone, ending with exactly one SMTP: value, and mail follows', async () => {
    await exoSet(JURGEN, { addAlias: ['juergen.mueller@contoso.com'] });
    await sync();
    await exoSet(JURGEN, { primary: 'juergen.mueller@contoso.com' });
    await sync();
    const swapped = await readUser(ldap, 'jmueller', ['proxyAddresses', 'mail']);
    expect(swapped.proxyAddresses.filter((v) => v.startsWith('SMTP:'))).toEqual(['SMTP:juergen.mueller@contoso.com']);
    expect(swapped.proxyAddresses).toContain('smtp:jurgen.muller@contoso.com');
    expect(swapped.proxyAddresses.filter((v) => v.toLowerCase() === 'smtp:juergen.mueller@contoso.com')).toHaveLength(1);
    expect(swapped.mail).toEqual(['juergen.mueller@contoso.com']);

    await exoSet('juergen.mueller@contoso.com', { primary: JURGEN });
    await sync();
    const back = await readUser(ldap, 'jmueller', ['proxyAddresses', 'mail']);
    expect(back.proxyAddresses.filter((v) => v.startsWith('SMTP:'))).toEqual([`SMTP:${JURGEN}`]);
    expect(back.mail).toEqual([JURGEN]);
  });

  it('writes the remote recipient type values of a type change', async () => {
    const expected = {
      Shared: { details: '34359738368', display: '-2147483642' },
      Room: { details: '8589934592', display: '-2147481850' },
      Equipment: { details: '17179869184', display: '-2147481594' },
      Regular: { details: '2147483648', display: '-2147483642' },
    };
    for (const [type, values] of Object.entries(expected)) {
      await exoSet(JURGEN, { type });
      await sync();
      const ad = await readUser(ldap, 'jmueller', ['msExchRecipientTypeDetails', 'msExchRecipientDisplayType', 'msExchRemoteRecipientType']);
      expect([type, ad.msExchRecipientTypeDetails, ad.msExchRecipientDisplayType]).toEqual([type, [values.details], [values.display]]);
      // msExchRemoteRecipientType belongs to the extended set: the default configuration leaves it alone.
      expect(ad.msExchRemoteRecipientType).toEqual(['4']);
    }
  });

  it('writes the extended set only when the configuration enables it', async () => {
    await exoSet(JURGEN, { hidden: 'true', type: 'Shared' });
    await sync();
    expect((await readUser(ldap, 'jmueller', ['msExchHideFromAddressLists'])).msExchHideFromAddressLists).toEqual([]);

    const { engine: extended } = await labEngine({ attributeSet: 'extended' });
    try {
      const summary = await extended.sync();
      expect(summary.failed).toEqual({});
      const ad = await readUser(ldap, 'jmueller', ['msExchHideFromAddressLists', 'msExchRemoteRecipientType']);
      expect(ad.msExchHideFromAddressLists).toEqual(['TRUE']);
      expect(ad.msExchRemoteRecipientType).toEqual(['100']);
      await exoSet(JURGEN, { hidden: 'false', type: 'Regular' });
      await extended.sync();
      const restored = await readUser(ldap, 'jmueller', ['msExchHideFromAddressLists', 'msExchRemoteRecipientType']);
      expect(restored.msExchRemoteRecipientType).toEqual(['4']);
      expect(restored.msExchHideFromAddressLists).not.toEqual(['TRUE']);
    } finally {
      await extended.close();
    }
  });

  it('leaves AD alone on a second sync right after the first', async () => {
    const summary = await sync();
    expect(summary.updated).toBe(0);
    expect(summary.unchanged).toBe(summary.inScope);
  });
});
