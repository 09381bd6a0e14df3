import { describe, expect, it } from 'vitest';
import { diffAttributes } from './attribute-diff.js';
import { objectFailure } from './object-failure.js';
import {
  buildProvisioningRecord,
  csvField,
  exportStep,
  matchingStep,
  PROVISIONING_CSV_COLUMNS,
  PROVISIONING_CSV_HEADER,
  recordToCsvRow,
  recordToJsonLine,
  scopingStep,
  type ProvisioningRecordInput,
} from './provisioning-record.js';

const base: ProvisioningRecordInput = {
  id: 'rec-1',
  activityDateTime: new Date('2026-08-24T10:00:00.000Z'),
  cycleId: 'cycle-1',
  changeId: 'change-1',
  jobId: 'job-contoso',
  durationInMilliseconds: 42,
  initiatedBy: { id: 'scheduler', displayName: 'Scheduler', initiatorType: 'system' },
  steps: [],
  source: { id: 'u-1', displayName: 'Ashley Taylor', details: { UserPrincipalName: 'ashley@contoso.com' } },
  target: { id: '01010101-0101-0101-0101-010101010101', displayName: 'Ashley Taylor', details: { distinguishedName: 'CN=Ashley Taylor,OU=Sales,DC=contoso,DC=com' } },
  targetSystem: { details: { domain: 'contoso.com' } },
  dryRun: false,
};

describe('buildProvisioningRecord', () => {
  it('builds an update record shaped like provisioningObjectSummary', () => {
    const diff = diffAttributes({ proxyAddresses: ['SMTP:a@x.com'] }, { proxyAddresses: ['SMTP:a@x.com', 'smtp:new@x.com'] });
    const r = buildProvisioningRecord({ ...base, steps: [exportStep(diff, false)], modifiedProperties: diff.modifiedProperties });
    expect(r).toEqual({
      id: 'rec-1',
      activityDateTime: '2026-08-24T10:00:00.000Z',
      cycleId: 'cycle-1',
      changeId: 'change-1',
      jobId: 'job-contoso',
      durationInMilliseconds: 42,
      initiatedBy: { id: 'scheduler', displayName: 'Scheduler', initiatorType: 'system' },
      provisioningAction: 'update',
      provisioningStatusInfo: { status: 'success', errorInformation: null, skipReason: null },
      provisioningSteps: [
        {
          name: 'EntryExportUpdate',
          provisioningStepType: 'export',
          status: 'success',
          description: 'Updated 1 attribute(s).',
          details: { ValuesAdded: '1', ValuesRemoved: '0', proxyAddresses: 'SMTP:a@x.com -> SMTP:a@x.com;smtp:new@x.com' },
        },
      ],
      modifiedProperties: [{ displayName: 'proxyAddresses', oldValue: 'SMTP:a@x.com', newValue: 'SMTP:a@x.com;smtp:new@x.com' }],
      sourceIdentity: { id: 'u-1', displayName: 'Ashley Taylor', identityType: 'Mailbox', details: { UserPrincipalName: 'ashley@contoso.com' } },
      targetIdentity: { id: '01010101-0101-0101-0101-010101010101', displayName: 'Ashley Taylor', identityType: 'user', details: { distinguishedName: 'CN=Ashley Taylor,OU=Sales,DC=contoso,DC=com' } },
      sourceSystem: { id: null, displayName: 'Exchange Online', details: {} },
      targetSystem: { id: null, displayName: 'Active Directory', details: { domain: 'contoso.com' } },
      dryRun: false,
    });
  });

  it('records a failure with its errorInformation', () => {
    const failure = objectFailure('DuplicateTargetEntries', '2 AD objects match', 'more');
    const r = buildProvisioningRecord({ ...base, failure, target: null });
    expect(r.provisioningStatusInfo).toEqual({
      status: 'failure',
      errorInformation: { errorCode: 'DuplicateTargetEntries', reason: '2 AD objects match', additionalDetails: 'more', errorCategory: 'NonServiceFailure', recommendedAction: failure.recommendedAction },
      skipReason: null,
    });
    expect(r.provisioningAction).toBe('other');
    expect(r.targetIdentity).toEqual({ id: null, displayName: null, identityType: 'user', details: {} });
  });

  it('records a skip with its reason, from the input or from the steps', () => {
    const step = scopingStep({ inScope: false, skipReason: 'NotInScope', rules: [{ rule: 'IsExchangeCloudManaged', passed: false, detail: 'IsExchangeCloudManaged is False' }] });
    expect(step).toMatchObject({ status: 'skipped', details: { IsExchangeCloudManaged: 'Failed: IsExchangeCloudManaged is False', SkipReason: 'NotInScope' } });
    expect(buildProvisioningRecord({ ...base, skipReason: 'NotInScope', steps: [step] }).provisioningStatusInfo).toEqual({ status: 'skipped', errorInformation: null, skipReason: 'NotInScope' });
    expect(buildProvisioningRecord({ ...base, status: 'skipped', steps: [step] }).provisioningStatusInfo.skipReason).toBe('NotInScope');
  });

  it('marks a redundant export as a skip step and a dry run in the export step', () => {
    expect(exportStep(diffAttributes({ mail: ['a@x.com'] }, { mail: ['a@x.com'] }), false)).toMatchObject({ name: 'EntrySynchronizationSkip', details: { SkipReason: 'RedundantExport' } });
    const dry = exportStep(diffAttributes({}, { mail: ['a@x.com'] }), true);
    expect(dry.details.DryRun).toBe('True');
    expect(dry.description).toContain('nothing was written');
  });

  it('shows a failed match in the matching step', () => {
    const step = matchingStep({ ok: false, failure: objectFailure('NoMatchingTarget', 'none') });
    expect(step).toMatchObject({ name: 'EntryImport', provisioningStepType: 'matching', status: 'failure', details: { ErrorCode: 'NoMatchingTarget' } });
  });

  it('copies its inputs, so later edits of them do not change the record', () => {
    const steps = [exportStep(diffAttributes({}, { mail: ['a@x.com'] }), false)];
    const r = buildProvisioningRecord({ ...base, steps });
    steps[0]!.details.mail = 'changed';
    expect(r.provisioningSteps[0]!.details.mail).not.toBe('changed');
  });
});

describe('CSV and JSON lines', () => {
  it('quotes fields with commas, quotes, line breaks and edge spaces', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' lead')).toBe('" lead"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('writes one row per record in column order', () => {
    const failure = objectFailure('PrimaryMismatch', 'The primary address \'SMTP:a@x.com\' does not match, really', 'x');
    const row = recordToCsvRow(buildProvisioningRecord({ ...base, failure, modifiedProperties: [{ displayName: 'mail', oldValue: null, newValue: 'a,"b"' }] }));
    expect(PROVISIONING_CSV_HEADER.split(',')).toEqual(PROVISIONING_CSV_COLUMNS);
    expect(row.startsWith('rec-1,2026-08-24T10:00:00.000Z,cycle-1,change-1,job-contoso,42,Scheduler,system,update,failure,,PrimaryMismatch,')).toBe(true);
    expect(row).toContain('"The primary address \'SMTP:a@x.com\' does not match, really"');
    expect(row).toContain('"[{""displayName"":""mail"",""oldValue"":null,""newValue"":""a,\\""b\\""""}]"');
    expect(row.endsWith(',false')).toBe(true);
  });

  it('writes JSON lines that parse back to the record', () => {
    const record = buildProvisioningRecord(base);
    const line = recordToJsonLine(record);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(record);
  });
});
