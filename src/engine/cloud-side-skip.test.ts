/**
 * Cycles count mailboxes that Exchange Online's own properties put out of scope without running
 * the pipeline (`cloudSideSkip`); that shortcut must say exactly what the pipeline would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudSideSkip, processMailbox, type ProcessContext } from './process-mailbox.js';

/** A context in which anything past the cloud-side scoping ends in a failure, never a skip: no Entra user exists. */
const context: ProcessContext = {
  domains: [], mapping: { attributeSet: 'standard' } as ProcessContext['mapping'], dryRun: true, cycleId: 'c', jobId: 'j',
  initiatedBy: { id: 't', displayName: 't', initiatorType: 'system' }, now: () => new Date(0), newId: () => 'id', newRecordId: () => 'record-id',
  lookupUser: () => Promise.resolve(null),
};

const bools = fc.constantFrom<unknown>(true, false, 'True', 'false', null, undefined, 'yes', 1);
const types = fc.constantFrom<unknown>('UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox', 'MailUser', 'GroupMailbox', '', null, 7);

const records = fc.record({
  ExternalDirectoryObjectId: fc.constantFrom<unknown>('8c4b2f1e-0000-4000-8000-000000000001', '', null, 42),
  Guid: fc.constantFrom<unknown>('0b6f3a52-1111-4111-8111-111111111111', null),
  Alias: fc.constant('ataylor'),
  DisplayName: fc.constantFrom<unknown>('Ashley Taylor', { odd: true }),
  UserPrincipalName: fc.constant('ashley.taylor@contoso.com'),
  PrimarySmtpAddress: fc.constant('ashley.taylor@contoso.com'),
  WindowsEmailAddress: fc.constant('ashley.taylor@contoso.com'),
  EmailAddresses: fc.constantFrom<unknown>(['SMTP:ashley.taylor@contoso.com'], 'SMTP:x@contoso.com', null),
  RecipientTypeDetails: types,
  IsDirSynced: bools,
  IsExchangeCloudManaged: bools,
  HiddenFromAddressListsEnabled: bools,
});

describe('cloudSideSkip', () => {
  it('names the pipeline\'s skip reason exactly when the pipeline skips on Exchange Online\'s word, and null otherwise', async () => {
    let skips = 0;
    let others = 0;
    await fc.assert(fc.asyncProperty(records, async (record) => {
      const outcome = await processMailbox(record, context);
      const expected = outcome.kind === 'skipped' ? outcome.reason : null;
      expect(cloudSideSkip(record)).toBe(expected);
      if (expected) skips++;
      else others++;
    }), { numRuns: 400 });
    // Both sides of the property were exercised.
    expect(skips).toBeGreaterThan(0);
    expect(others).toBeGreaterThan(0);
  });
});
