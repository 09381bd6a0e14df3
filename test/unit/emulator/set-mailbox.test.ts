import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exoErrorDetail, startTestEmulator, type TestEmulator } from './emulator-fixture.js';

const SELECT = 'Alias,PrimarySmtpAddress,WindowsEmailAddress,EmailAddresses,CustomAttribute1,CustomAttribute5,ExtensionCustomAttribute2,HiddenFromAddressListsEnabled,RecipientTypeDetails,IsExchangeCloudManaged,WhenChangedUTC,DisplayName';

describe('EXO InvokeCommand: Set-Mailbox', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t.close());

  const get = async (identity: string) => {
    const { status, json } = await t.cmdlet('Get-Mailbox', { Identity: identity }, SELECT);
    expect(status).toBe(200);
    return json.value?.[0] as Record<string, unknown>;
  };
  const set = (parameters: Record<string, unknown>) => t.cmdlet('Set-Mailbox', parameters);

  it('adds and removes addresses with a GenericHashTable and bumps WhenChangedUTC', async () => {
    const before = await get('ataylor');
    const response = await set({ Identity: 'ataylor', EmailAddresses: { '@odata.type': '#Exchange.GenericHashTable', Add: ['smtp:ashley.t@contoso.com'], Remove: ['smtp:ataylor@contoso.mail.onmicrosoft.com'] } });
    expect(response.status).toBe(200);
    expect(response.json.value).toEqual([]);
    const after = await get('ataylor');
    expect(after.EmailAddresses).toContain('smtp:ashley.t@contoso.com');
    expect(after.EmailAddresses).not.toContain('smtp:ataylor@contoso.mail.onmicrosoft.com');
    expect(after.WhenChangedUTC as string > (before.WhenChangedUTC as string)).toBe(true);
  });

  it('stamps strictly increasing WhenChangedUTC even within one millisecond', async () => {
    // The fake clock does not move: every change happens "at the same instant".
    const stamps: string[] = [];
    for (const value of ['a', 'b', 'c']) {
      expect((await set({ Identity: 'ataylor', CustomAttribute1: value })).status).toBe(200);
      stamps.push((await get('ataylor')).WhenChangedUTC as string);
    }
    expect(stamps[0] as string < (stamps[1] as string) && (stamps[1] as string) < (stamps[2] as string)).toBe(true);
    expect(stamps.every((s) => /^2026-08-01T12:00:00\.\d{7}Z$/.test(s))).toBe(true);
  });

  it('promotes a new primary: the old one becomes smtp:, WindowsEmailAddress follows', async () => {
    expect((await set({ Identity: 'ataylor', PrimarySmtpAddress: 'ashley.t@contoso.com' })).status).toBe(200);
    const after = await get('ataylor');
    expect(after.PrimarySmtpAddress).toBe('ashley.t@contoso.com');
    expect(after.WindowsEmailAddress).toBe('ashley.t@contoso.com');
    const list = after.EmailAddresses as string[];
    expect(list.filter((a) => a.startsWith('SMTP:'))).toEqual(['SMTP:ashley.t@contoso.com']);
    expect(list).toContain('smtp:ashley.taylor@contoso.com');
    expect(list).not.toContain('smtp:ashley.t@contoso.com');

    expect((await set({ Identity: 'ataylor', EmailAddresses: { Add: ['SMTP:ashley.taylor@contoso.com'] } })).status).toBe(200);
    const back = await get('ataylor');
    expect(back.PrimarySmtpAddress).toBe('ashley.taylor@contoso.com');
    expect((back.EmailAddresses as string[]).filter((a) => a.startsWith('SMTP:'))).toEqual(['SMTP:ashley.taylor@contoso.com']);
    expect(back.EmailAddresses).toContain('smtp:ashley.t@contoso.com');
  });

  it('sets custom attributes, extension attributes, hidden flag and type', async () => {
    expect((await set({ Identity: 'ataylor', CustomAttribute5: 'Edited', ExtensionCustomAttribute2: ['x', 'y'], HiddenFromAddressListsEnabled: true, Type: 'Shared' })).status).toBe(200);
    let m = await get('ataylor');
    expect(m).toMatchObject({ CustomAttribute5: 'Edited', ExtensionCustomAttribute2: ['x', 'y'], HiddenFromAddressListsEnabled: true, RecipientTypeDetails: 'SharedMailbox' });
    expect((await set({ Identity: 'ataylor', CustomAttribute5: null, ExtensionCustomAttribute2: { Remove: ['x'], Add: ['z'] }, Type: 'Regular' })).status).toBe(200);
    m = await get('ataylor');
    expect(m).toMatchObject({ CustomAttribute5: '', ExtensionCustomAttribute2: ['y', 'z'], RecipientTypeDetails: 'UserMailbox' });
  });

  it('refuses Exchange attributes on a dir-synced mailbox that is not cloud-managed, then allows them after conversion', async () => {
    const before = await get('awilliams');
    const refused = await set({ Identity: 'awilliams', CustomAttribute1: 'x' });
    expect(refused.status).toBe(400);
    const detail = exoErrorDetail(refused.json);
    expect(detail.type).toBe('System.InvalidOperationException');
    expect(detail.message).toBe(
      `The operation on mailbox "Anthony Williams" failed because it's out of the current user's write scope. The action 'Set-Mailbox', 'CustomAttribute1', can't be performed on the object 'Anthony Williams' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`,
    );
    expect(await get('awilliams')).toEqual(before);

    expect((await set({ Identity: 'awilliams', IsExchangeCloudManaged: true })).status).toBe(200);
    expect((await set({ Identity: 'awilliams', CustomAttribute1: 'x' })).status).toBe(200);
    expect(await get('awilliams')).toMatchObject({ CustomAttribute1: 'x', IsExchangeCloudManaged: true });
  });

  it('refuses identity attributes on every dir-synced mailbox but allows them on cloud-only ones', async () => {
    for (const parameter of ['DisplayName', 'Name', 'Alias', 'UserPrincipalName', 'FirstName']) {
      const refused = await set({ Identity: 'ataylor', [parameter]: 'New Value' });
      expect(refused.status, parameter).toBe(400);
      expect(exoErrorDetail(refused.json).message).toContain(`'Set-Mailbox', '${parameter}'`);
    }
    expect((await set({ Identity: 'Nora Cloudonly', DisplayName: 'Nora C.' })).status).toBe(200);
    expect((await get('nora.cloudonly')).DisplayName).toBe('Nora C.');
  });

  it('validates addresses: malformed, foreign domain, no primary, duplicates in this or another mailbox', async () => {
    const before = await get('ataylor');
    const cases: [unknown, RegExp][] = [
      [{ Add: ['smtp:not an address'] }, /isn't correct/],
      [{ Add: ['smtp:x@fabrikam.example'] }, /isn't an accepted domain/],
      [['smtp:only.secondary@contoso.com'], /exactly one primary/],
      [['SMTP:a1@contoso.com', 'SMTP:a2@contoso.com'], /exactly one primary/],
      [['SMTP:a1@contoso.com', 'smtp:A1@contoso.com'], /already present/],
      [{ Add: ['smtp:mgarcia@contoso.mail.onmicrosoft.com'] }, /already being used by the proxy addresses or LegacyExchangeDN of "Maria Garcia"/],
      [{ Remove: ['SMTP:ashley.taylor@contoso.com'] }, /can't be removed/],
      [{ Add: ['X500:no-slash'] }, /must start with/],
    ];
    for (const [value, message] of cases) {
      const response = await set({ Identity: 'ataylor', EmailAddresses: value });
      expect(response.status, JSON.stringify(value)).toBe(400);
      expect(response.json.error?.code).toBe('BadRequest');
      expect(exoErrorDetail(response.json).message).toMatch(message);
    }
    expect(await get('ataylor')).toEqual(before);
  });

  it('leaves WhenChanged alone and warns when nothing changes', async () => {
    const before = await get('ataylor');
    const response = await set({ Identity: 'ataylor', CustomAttribute1: before.CustomAttribute1 });
    expect(response.status).toBe(200);
    expect(response.json['@adminapi.warnings']).toEqual([`The command completed successfully but no settings of 'ataylor' have been modified.`]);
    expect((await get('ataylor')).WhenChangedUTC).toBe(before.WhenChangedUTC);
  });

  it('refuses unknown parameters, bad types and a missing Identity', async () => {
    expect(exoErrorDetail((await set({ Identity: 'ataylor', Bogus: 1 })).json).errorId).toBe('NamedParameterNotFound');
    expect((await set({ Identity: 'ataylor', HiddenFromAddressListsEnabled: 'perhaps' })).status).toBe(400);
    expect((await set({ Identity: 'ataylor', Type: 'Castle' })).status).toBe(400);
    expect((await set({ CustomAttribute1: 'x' })).status).toBe(400);
    expect((await set({ Identity: 'nobody', CustomAttribute1: 'x' })).status).toBe(404);
  });

  it('lets an incremental filter pick up exactly the mailboxes changed after a watermark', async () => {
    t.clock.advance(60_000);
    const watermark = new Date(t.clock.now()).toISOString();
    t.clock.advance(1_000);
    expect((await set({ Identity: 'mgarcia', CustomAttribute3: 'incremental' })).status).toBe(200);
    const d = new Date(watermark);
    const us = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${((d.getUTCHours() + 11) % 12) + 1}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
    for (const literal of [us, watermark]) {
      const { status, json } = await t.cmdlet('Get-Mailbox', { ResultSize: 'Unlimited', Filter: `IsDirSynced -eq $true -and WhenChangedUTC -gt '${literal}'` }, 'Alias,CustomAttribute3');
      expect(status).toBe(200);
      expect(json.value).toEqual([{ Alias: 'mgarcia', CustomAttribute3: 'incremental' }]);
    }
  });
});
