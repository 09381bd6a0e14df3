import { describe, expect, it } from 'vitest';
import { compileOpath, OpathBindError, OpathSyntaxError, parseOpath, parseOpathDate, type OpathSchema, type OpathValue } from './opath-filter.js';

const schema: OpathSchema = new Map([
  ['isdirsynced', { name: 'IsDirSynced', type: 'boolean' }],
  ['hidden', { name: 'Hidden', type: 'boolean' }],
  ['alias', { name: 'Alias', type: 'string' }],
  ['displayname', { name: 'DisplayName', type: 'string' }],
  ['recipienttypedetails', { name: 'RecipientTypeDetails', type: 'string' }],
  ['whenchangedutc', { name: 'WhenChangedUTC', type: 'datetime' }],
  ['emailaddresses', { name: 'EmailAddresses', type: 'strings' }],
  ['customattribute1', { name: 'CustomAttribute1', type: 'string' }],
]);

const us = (iso: string) => Date.parse(iso) * 1000;
const record: Record<string, OpathValue> = {
  IsDirSynced: true,
  Hidden: false,
  Alias: 'ataylor',
  DisplayName: "Ashley O'Taylor",
  RecipientTypeDetails: 'UserMailbox',
  WhenChangedUTC: us('2026-08-01T14:00:00Z') + 500,
  EmailAddresses: ['SMTP:ashley.taylor@contoso.com', 'smtp:ataylor@contoso.mail.onmicrosoft.com'],
  CustomAttribute1: '',
};
const run = (filter: string, r = record) => compileOpath(filter, schema)((name) => r[name] ?? null);

describe('OPATH filter evaluation', () => {
  it.each([
    ['IsDirSynced -eq $true', true],
    ['IsDirSynced -eq $false', false],
    ['isdirsynced -EQ $TRUE', true],
    ['IsDirSynced -ne $true', false],
    ["IsDirSynced -eq 'True'", true],
    ["Alias -eq 'ATAYLOR'", true],
    ['Alias -eq "ataylor"', true],
    ['Alias -eq ataylor', true],
    ["Alias -ne 'ataylor'", false],
    ["Alias -like 'at*'", true],
    ["Alias -like '*lor'", true],
    ["Alias -like '*tay*'", true],
    ["Alias -like 'tay*'", false],
    ["Alias -notlike 'tay*'", true],
    ["Alias -gt 'a'", true],
    ["Alias -lt 'a'", false],
    ["DisplayName -eq 'Ashley O''Taylor'", true],
    ['DisplayName -eq "Ashley O\'Taylor"', true],
    ["EmailAddresses -eq 'smtp:ataylor@contoso.mail.onmicrosoft.com'", true],
    ["EmailAddresses -like '*@contoso.com'", true],
    ["EmailAddresses -ne 'SMTP:ashley.taylor@contoso.com'", false],
    ['CustomAttribute1 -eq $null', true],
    ['CustomAttribute1 -ne $null', false],
    ['Alias -eq $null', false],
    ["WhenChangedUTC -gt '8/1/2026 2:00:00 PM'", true],
    ["WhenChangedUTC -gt '8/1/2026 2:00:01 PM'", false],
    ["WhenChangedUTC -lt '8/1/2026 2:00:01 PM'", true],
    ["WhenChangedUTC -ge '2026-08-01T14:00:00Z'", true],
    ["WhenChangedUTC -gt '2026-08-01T16:00:00+02:00'", true],
    ["WhenChangedUTC -gt '2026-08-01T14:00:00.001Z'", false],
    ["WhenChangedUTC -le '8/1/2026'", false],
    ["WhenChangedUTC -gt '8/1/2026 14:00'", true],
  ])('%s → %s', (filter, expected) => {
    expect(run(filter)).toBe(expected);
  });

  it('binds -and tighter than -or, and -not to the next primary', () => {
    // true -or (false -and false) = true; (true -or false) -and false would be false.
    expect(run("IsDirSynced -eq $true -or Alias -eq 'x' -and Hidden -eq $true")).toBe(true);
    expect(run("(IsDirSynced -eq $true -or Alias -eq 'x') -and Hidden -eq $true")).toBe(false);
    expect(run('-not IsDirSynced -eq $true')).toBe(false);
    expect(run("-not (Alias -eq 'x') -and IsDirSynced -eq $true")).toBe(true);
    expect(run("-not (Alias -eq 'ataylor' -or Hidden -eq $true)")).toBe(false);
    expect(run('-not -not IsDirSynced -eq $true')).toBe(true);
  });

  it('accepts the scriptblock form and nested parentheses', () => {
    expect(run("{ IsDirSynced -eq $true -and (((Alias -like 'a*'))) }")).toBe(true);
  });

  it('builds the documented incremental filter tree', () => {
    const tree = parseOpath("IsDirSynced -eq $true -and WhenChangedUTC -gt '8/1/2026 2:00:00 PM'");
    expect(tree).toMatchObject({
      type: 'and',
      left: { type: 'compare', property: 'IsDirSynced', operator: 'eq', value: { kind: 'bool', value: true } },
      right: { type: 'compare', property: 'WhenChangedUTC', operator: 'gt', value: { kind: 'string', text: '8/1/2026 2:00:00 PM' } },
    });
  });

  it.each([
    ['IsDirSynced -eq', 15],
    ['IsDirSynced $true', 12],
    ["(Alias -eq 'x'", 14],
    ["Alias -eq 'x')", 13],
    ["Alias -eq 'x", 10],
    ['Alias -equals x', 6],
    ["Alias -eq 'x' -and", 18],
    ['', 0],
    ['Alias -eq $nothing', 10],
    ["-and Alias -eq 'x'", 0],
  ])('rejects bad syntax %j at position %i', (filter, position) => {
    const attempt = () => compileOpath(filter, schema);
    expect(attempt).toThrow(OpathSyntaxError);
    try {
      attempt();
    } catch (error) {
      expect((error as OpathSyntaxError).position).toBe(position);
      expect((error as Error).message).toMatch(/^Invalid filter syntax\./);
    }
  });

  it.each([
    ["IsExchangeCloudManaged -eq $true", /is not a recognized filterable property/],
    ["WhenChangedUTC -gt 'yesterday'", /System.DateTime/],
    ["WhenChangedUTC -gt '2/30/2026'", /System.DateTime/],
    ["IsDirSynced -eq 'maybe'", /System.Boolean/],
    ["IsDirSynced -gt $true", /isn't supported/],
    ["WhenChangedUTC -like '8/1/2026*'", /isn't supported/],
    ['Alias -gt $null', /can't be used with \$null/],
  ])('refuses %s at bind time', (filter, message) => {
    expect(() => compileOpath(filter, schema)).toThrow(OpathBindError);
    expect(() => compileOpath(filter, schema)).toThrow(message);
  });
});

describe('OPATH date literals', () => {
  it.each([
    ['8/1/2026 2:00:00 PM', '2026-08-01T14:00:00.000Z'],
    ['8/1/2026 12:00:00 AM', '2026-08-01T00:00:00.000Z'],
    ['8/1/2026 12:30:00 PM', '2026-08-01T12:30:00.000Z'],
    ['12/31/2026 11:59:59 pm', '2026-12-31T23:59:59.000Z'],
    ['8/1/2026', '2026-08-01T00:00:00.000Z'],
    ['2026-08-01', '2026-08-01T00:00:00.000Z'],
    ['2026-08-01T14:00:00', '2026-08-01T14:00:00.000Z'],
    ['2026-08-01 14:00:00Z', '2026-08-01T14:00:00.000Z'],
    ['2026-08-01T14:00:00-05:00', '2026-08-01T19:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseOpathDate(text)).toBe(Date.parse(iso) * 1000);
  });

  it('keeps sub-millisecond precision of ISO fractions', () => {
    expect(parseOpathDate('2026-08-01T14:00:00.1234567Z')).toBe(Date.parse('2026-08-01T14:00:00Z') * 1000 + 123456);
  });

  it.each(['13/1/2026', '2/29/2026', '8/1/2026 13:00:00 PM', '8/1/2026 0:00:00 AM', '2026-8-1', 'not a date'])('rejects %s', (text) => {
    expect(parseOpathDate(text)).toBeNull();
  });
});
