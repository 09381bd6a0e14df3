/**
 * The behaviour every {@link StateStore} must have, as a vitest suite taking a factory: the SQLite
 * store runs it (sqlite-state-store.test.ts), and so must any store added later. Only the port is
 * used here; storage-specific checks (migrations, pragmas, files) live in each store's own test.
 */
import { describe, expect, it } from 'vitest';
import type { AttributeChange } from '../core/attribute-change.js';
import { guidToBytes } from '../core/guid.js';
import { objectFailure } from '../core/object-failure.js';
import { buildProvisioningRecord, PROVISIONING_CSV_COLUMNS, PROVISIONING_CSV_HEADER, recordToCsvRow, type ProvisioningRecord, type ProvisioningStatus } from '../core/provisioning-record.js';
import { StateStoreConflict, StateStoreNotFound, StateStoreUnavailable } from './state-store-errors.js';
import { journalEntryFromIntent, type IntentInput, type StateStore } from './state-store.js';
import { hashAppliedValues } from '../core/safety/drift.js';

/** A clock the tests move by hand. */
export class ManualClock {
  constructor(private t = Date.parse('2026-03-01T08:00:00.000Z')) {}
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }
}

export interface StateStoreHarness {
  /** A new, empty store using `clock`. */
  create(clock: () => Date): Promise<StateStore>;
  /** Two stores on the same new storage (the CLI and the running service). */
  createShared(clock: () => Date): Promise<[StateStore, StateStore]>;
}

const GUID_A = '11111111-2222-3333-4444-555555555555';
const GUID_B = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const ENTRA_A = '0c1e6a37-4b3c-4f55-9a1e-000000000001';
const ENTRA_B = '0c1e6a37-4b3c-4f55-9a1e-000000000002';
const DN_A = 'CN=Ashley Taylor,OU=Sales,DC=contoso,DC=com';
const DN_B = 'CN=Bo Chen,OU=IT,DC=contoso,DC=com';

let recordSeq = 0;

/** A provisioning record built with the core builder. */
export function makeRecord(options: {
  cycleId: string; at: Date; id?: string; status?: ProvisioningStatus; update?: boolean;
  who?: { entraId: string; name: string; upn: string; guid: string; dn: string };
}): ProvisioningRecord {
  const who = options.who ?? { entraId: ENTRA_A, name: 'Ashley Taylor', upn: 'ashley.taylor@contoso.com', guid: GUID_A, dn: DN_A };
  const status = options.status ?? 'success';
  return buildProvisioningRecord({
    id: options.id ?? `rec-${++recordSeq}`,
    activityDateTime: options.at,
    cycleId: options.cycleId,
    changeId: `chg-${recordSeq}`,
    jobId: 'exo-writeback.contoso',
    durationInMilliseconds: 12,
    initiatedBy: { id: 'scheduler', displayName: 'Scheduler', initiatorType: 'system' },
    failure: status === 'failure' ? objectFailure('NoMatchingTarget', 'no AD object carries the anchors') : null,
    skipReason: status === 'skipped' ? 'NotInScope' : null,
    steps: [],
    modifiedProperties: options.update ? [{ displayName: 'proxyAddresses', oldValue: 'SMTP:a@contoso.com', newValue: 'SMTP:a@contoso.com;smtp:b@contoso.com' }] : [],
    source: { id: who.entraId, displayName: who.name, details: { UserPrincipalName: who.upn } },
    target: { id: who.guid, displayName: who.name, details: { distinguishedName: who.dn } },
    dryRun: false,
  });
}

const ASHLEY = { entraId: ENTRA_A, name: 'Ashley Taylor', upn: 'ashley.taylor@contoso.com', guid: GUID_A, dn: DN_A };
const BO = { entraId: ENTRA_B, name: 'Bo Chen', upn: 'bo.chen@contoso.com', guid: GUID_B, dn: DN_B };

const CHANGES: AttributeChange[] = [{ operation: 'replace', attribute: 'extensionAttribute1', values: ['new'] }, { operation: 'add', attribute: 'proxyAddresses', values: ['smtp:b@contoso.com'] }];
const BEFORE = { extensionAttribute1: ['old'], proxyAddresses: ['SMTP:a@contoso.com'] };
const AFTER = { extensionAttribute1: ['new'], proxyAddresses: ['SMTP:a@contoso.com', 'smtp:b@contoso.com'] };

function intentFor(cycleId: string, who = ASHLEY): IntentInput {
  return { cycleId, entraId: who.entraId, objectGuid: who.guid, dn: who.dn, changes: CHANGES, before: BEFORE, after: AFTER };
}

async function counts(store: StateStore, cycleId: string) {
  return {
    records: (await store.queryRecords({ cycleId })).total,
    journal: (await store.journalForCycle(cycleId)).length,
    link: await store.getLink(ENTRA_A),
    retry: await store.getRetryState(ENTRA_A),
    drift: (await store.listDrift({ entraId: ENTRA_A })).length,
  };
}

export function stateStoreContract(name: string, harness: StateStoreHarness): void {
  describe(`StateStore contract: ${name}`, () => {
    const setup = async () => {
      const clock = new ManualClock();
      const store = await harness.create(clock.now);
      return { clock, store };
    };

    describe('cycles', () => {
      it('starts, finishes, lists and finds cycles', async () => {
        const { clock, store } = await setup();
        const first = await store.startCycle({ kind: 'full', dryRun: false });
        expect(first).toMatch(/^[0-9a-f-]{36}$/);
        const running = await store.getCycle(first);
        expect(running).toMatchObject({ id: first, kind: 'full', dryRun: false, startedAt: clock.now(), finishedAt: null, outcome: null, counts: {}, error: null });
        clock.advance(1000);
        const finished = await store.finishCycle(first, { outcome: 'failed', counts: { updated: 2, failed: 1 }, error: { code: 'DirectoryUnreachable', message: 'no DC' } });
        expect(finished).toMatchObject({ outcome: 'failed', finishedAt: clock.now(), counts: { updated: 2, failed: 1 }, error: { code: 'DirectoryUnreachable', message: 'no DC' } });

        clock.advance(1000);
        const second = await store.startCycle({ kind: 'incremental', dryRun: true, id: 'cycle-2' });
        expect(second).toBe('cycle-2');
        clock.advance(1000);
        const since = clock.now();
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'cycle-3' });
        await store.finishCycle('cycle-3', { outcome: 'success', counts: {} });

        expect((await store.listCycles()).map((c) => c.id)).toEqual(['cycle-3', 'cycle-2', first]);
        expect((await store.listCycles({ limit: 2 })).map((c) => c.id)).toEqual(['cycle-3', 'cycle-2']);
        expect((await store.listCycles({ since })).map((c) => c.id)).toEqual(['cycle-3']);
        expect((await store.listCycles({ kind: 'full' })).map((c) => c.id)).toEqual([first]);
        expect((await store.lastCycle())?.id).toBe('cycle-3');
        expect((await store.lastCycle('full'))?.id).toBe(first);
        expect((await store.lastCycle('incremental', { outcome: 'success' }))?.id).toBe('cycle-3');
        expect(await store.lastCycle('reconcile')).toBeNull();
        expect((await store.unfinishedCycles()).map((c) => c.id)).toEqual(['cycle-2']);
        expect(await store.getCycle('nope')).toBeNull();
        const [c3, c2] = await store.listCycles({ limit: 2 });
        expect(c3!.seq).toBeGreaterThan(c2!.seq);
        await store.close();
      });

      it('refuses a duplicate cycle id, finishing twice and unknown cycles', async () => {
        const { store } = await setup();
        await store.startCycle({ kind: 'full', dryRun: false, id: 'c' });
        await expect(store.startCycle({ kind: 'full', dryRun: false, id: 'c' })).rejects.toBeInstanceOf(StateStoreConflict);
        await store.finishCycle('c', { outcome: 'success', counts: {} });
        await expect(store.finishCycle('c', { outcome: 'failed', counts: {} })).rejects.toBeInstanceOf(StateStoreConflict);
        expect((await store.getCycle('c'))?.outcome).toBe('success');
        await expect(store.finishCycle('nope', { outcome: 'success', counts: {} })).rejects.toBeInstanceOf(StateStoreNotFound);
        await store.close();
      });

      it('commitCycle finishes the cycle and advances the watermark together, or does neither', async () => {
        const { clock, store } = await setup();
        const key = { tenant: 'contoso', kind: 'mailbox-whenchanged' };
        expect(await store.getWatermark(key)).toBeNull();
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'ok' });
        clock.advance(5000);
        await store.commitCycle({ cycleId: 'ok', outcome: 'success', counts: { updated: 1 }, watermark: { key, value: '2026-03-01T07:59:00Z' } });
        expect(await store.getWatermark(key)).toEqual({ key, value: '2026-03-01T07:59:00Z', cycleId: 'ok', updatedAt: clock.now() });
        expect(await store.getWatermark({ tenant: 'contoso', kind: 'other' })).toBeNull();
        expect(await store.getWatermark({ tenant: 'fabrikam', kind: key.kind })).toBeNull();

        // A failed cycle may not advance it: neither the outcome nor the watermark is written.
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'bad' });
        await expect(store.commitCycle({ cycleId: 'bad', outcome: 'failed', counts: {}, watermark: { key, value: 'later' } })).rejects.toBeInstanceOf(StateStoreConflict);
        expect((await store.getCycle('bad'))?.finishedAt).toBeNull();
        expect((await store.getWatermark(key))?.value).toBe('2026-03-01T07:59:00Z');

        // Nor a dry run.
        await store.startCycle({ kind: 'incremental', dryRun: true, id: 'dry' });
        await expect(store.commitCycle({ cycleId: 'dry', outcome: 'success', counts: {}, watermark: { key, value: 'later' } })).rejects.toBeInstanceOf(StateStoreConflict);
        expect((await store.getCycle('dry'))?.outcome).toBeNull();
        await store.commitCycle({ cycleId: 'dry', outcome: 'success', counts: {} });
        expect((await store.getWatermark(key))?.value).toBe('2026-03-01T07:59:00Z');
        await store.close();
      });
    });

    describe('directory read plans', () => {
      it('keeps the cuts per key, replaces them, and answers null for an unknown key', async () => {
        const { store } = await setup();
        const key = JSON.stringify(['CN=NTDS Settings,CN=DC1', 'DC=contoso,DC=com']);
        expect(await store.readPlan(key)).toBeNull();
        await store.saveReadPlan(key, ['9825']);
        await store.saveReadPlan('other', ['1', '2', '3']);
        expect(await store.readPlan(key)).toEqual(['9825']);
        await store.saveReadPlan(key, ['10020', '20040']);
        expect(await store.readPlan(key)).toEqual(['10020', '20040']);
        expect(await store.readPlan('other')).toEqual(['1', '2', '3']);
        await store.saveReadPlan(key, []);
        expect(await store.readPlan(key)).toEqual([]);
        await store.close();
      });
    });

    describe('provisioning records', () => {
      it('appends, round-trips and refuses duplicate ids atomically', async () => {
        const { clock, store } = await setup();
        const r1 = makeRecord({ cycleId: 'c1', at: clock.now(), update: true });
        await store.append([r1]);
        await store.append([]);
        expect(await store.getRecord(r1.id)).toEqual(r1);
        expect(await store.getRecord('nope')).toBeNull();
        const fresh = makeRecord({ cycleId: 'c1', at: clock.now() });
        await expect(store.append([fresh, { ...r1 }])).rejects.toBeInstanceOf(StateStoreConflict);
        expect(await store.getRecord(fresh.id)).toBeNull();
        expect((await store.queryRecords()).total).toBe(1);
        await store.close();
      });

      it('filters by user, status, action, cycle and time, and pages', async () => {
        const { clock, store } = await setup();
        const t0 = clock.now();
        const records: ProvisioningRecord[] = [];
        for (let i = 0; i < 10; i++) {
          records.push(makeRecord({
            cycleId: i < 6 ? 'c1' : 'c2', at: clock.advance(60_000), who: i % 2 === 0 ? ASHLEY : BO,
            status: i === 3 ? 'failure' : i === 4 ? 'skipped' : 'success', update: i % 3 === 0,
          }));
        }
        await store.append(records);
        const ids = (rs: ProvisioningRecord[]) => rs.map((r) => r.id);
        const expectIds = (page: { records: ProvisioningRecord[]; total: number }, want: ProvisioningRecord[]) => {
          expect(ids(page.records)).toEqual(ids(want));
          expect(page.total).toBe(want.length);
        };
        const newestFirst = [...records].reverse();
        expectIds(await store.queryRecords(), newestFirst);
        expectIds(await store.queryRecords({ order: 'asc' }), records);

        const ashley = newestFirst.filter((_, i) => (9 - i) % 2 === 0);
        expectIds(await store.queryRecords({ user: 'ASHLEY' }), ashley); // display name, any case
        expectIds(await store.queryRecords({ user: 'ashley.taylor@CONTOSO' }), ashley); // UPN
        expectIds(await store.queryRecords({ user: 'ou=it,dc=contoso' }), newestFirst.filter((r) => r.sourceIdentity.id === ENTRA_B)); // DN
        expectIds(await store.queryRecords({ user: GUID_B.toUpperCase() }), newestFirst.filter((r) => r.sourceIdentity.id === ENTRA_B)); // target id
        expectIds(await store.queryRecords({ user: '000000000001' }), ashley); // source id
        expectIds(await store.queryRecords({ user: 'Bo' }), newestFirst.filter((r) => r.sourceIdentity.id === ENTRA_B)); // short needle
        expectIds(await store.queryRecords({ user: 'nobody' }), []);
        expectIds(await store.queryRecords({ user: 'a"b' }), []); // quotes are data, not syntax

        expectIds(await store.queryRecords({ status: 'failure' }), [records[3]!]);
        expectIds(await store.queryRecords({ status: 'skipped' }), [records[4]!]);
        expectIds(await store.queryRecords({ action: 'update', order: 'asc' }), [records[0]!, records[3]!, records[6]!, records[9]!]);
        expectIds(await store.queryRecords({ cycleId: 'c2', order: 'asc' }), records.slice(6));
        expectIds(await store.queryRecords({ since: new Date(t0.getTime() + 3 * 60_000), until: new Date(t0.getTime() + 5 * 60_000), order: 'asc' }), [records[2]!, records[3]!]);
        expectIds(await store.queryRecords({ cycleId: 'c1', user: 'bo chen', status: 'success', order: 'asc' }), [records[1]!, records[5]!]);

        const page2 = await store.queryRecords({ limit: 3, offset: 3 });
        expect(ids(page2.records)).toEqual(ids(newestFirst.slice(3, 6)));
        expect(page2.total).toBe(10);
        const pastEnd = await store.queryRecords({ limit: 3, offset: 9 });
        expect(ids(pastEnd.records)).toEqual([records[0]!.id]);
        await store.close();
      });

      it('streams every matching record across internal pages, and exports CSV with the core helpers', async () => {
        const { clock, store } = await setup();
        const all = Array.from({ length: 1203 }, (_, i) => makeRecord({ cycleId: 'big', at: clock.advance(i % 7 === 0 ? 0 : 1000), who: i % 4 === 0 ? BO : ASHLEY }));
        await store.append(all);
        const streamed: string[] = [];
        for await (const r of store.streamRecords({ order: 'asc' })) streamed.push(r.id);
        expect(streamed).toEqual(all.map((r) => r.id));
        const bo: ProvisioningRecord[] = [];
        for await (const r of store.streamRecords({ user: 'bo.chen' })) bo.push(r);
        expect(bo.map((r) => r.id)).toEqual(all.filter((_, i) => i % 4 === 0).reverse().map((r) => r.id));

        const csv = [PROVISIONING_CSV_HEADER, ...bo.slice(0, 2).map(recordToCsvRow)].join('\r\n');
        const lines = csv.split('\r\n');
        expect(lines).toHaveLength(3);
        expect(lines[0]!.split(',')).toEqual([...PROVISIONING_CSV_COLUMNS]);
        const cells = lines[1]!.split(',');
        expect(cells[PROVISIONING_CSV_COLUMNS.indexOf('id')]).toBe(bo[0]!.id);
        expect(cells[PROVISIONING_CSV_COLUMNS.indexOf('sourceDisplayName')]).toBe('Bo Chen');
        expect(cells[PROVISIONING_CSV_COLUMNS.indexOf('targetId')]).toBe(GUID_B);
        await store.close();
      });
    });

    describe('links', () => {
      it('upserts and finds links by Entra id and by objectGUID in any form', async () => {
        const { clock, store } = await setup();
        const values = { extensionAttribute1: ['x'] };
        const link = await store.upsertLink({ entraId: ENTRA_A, objectGuid: guidToBytes(GUID_A)!, domain: 'contoso.com', dn: DN_A, valuesHash: hashAppliedValues(values), values, appliedAt: clock.now() });
        expect(link).toEqual({ entraId: ENTRA_A, objectGuid: GUID_A, domain: 'contoso.com', dn: DN_A, valuesHash: hashAppliedValues(values), values, appliedAt: clock.now(), updatedAt: clock.now() });
        expect(await store.getLink(ENTRA_A)).toEqual(link);
        expect(await store.getLinkByGuid(`{${GUID_A.toUpperCase()}}`)).toEqual(link);
        expect(await store.getLinkByGuid(guidToBytes(GUID_A)!.toString('hex'))).toEqual(link);
        expect(await store.getLinkByGuid(GUID_B)).toBeNull();
        expect(await store.getLink(ENTRA_B)).toBeNull();

        // Confirmed in step (what a full cycle does for every unchanged object): nothing changes,
        // the link keeps the time its values were applied.
        clock.advance(1000);
        const confirmed = await store.upsertLink({ entraId: ENTRA_A, objectGuid: GUID_A, domain: 'contoso.com', dn: DN_A, valuesHash: hashAppliedValues(values), values, appliedAt: clock.now() });
        expect(confirmed).toEqual(link);
        // The same hash without values: the values are dropped, not kept from before.
        expect((await store.upsertLink({ entraId: ENTRA_A, objectGuid: GUID_A, domain: 'contoso.com', dn: DN_A, valuesHash: hashAppliedValues(values), values: null, appliedAt: clock.now() })).values).toBeNull();

        clock.advance(1000);
        const moved = await store.upsertLink({ entraId: ENTRA_A, objectGuid: GUID_A, domain: 'contoso.com', dn: 'CN=Ashley Taylor,OU=Moved,DC=contoso,DC=com', valuesHash: 'h2', appliedAt: clock.now() });
        expect(moved).toMatchObject({ dn: 'CN=Ashley Taylor,OU=Moved,DC=contoso,DC=com', valuesHash: 'h2', values: null, appliedAt: clock.now() });

        // Another Entra id matched to the same AD object: the newest match wins.
        await store.upsertLink({ entraId: ENTRA_B, objectGuid: GUID_A, domain: 'contoso.com', dn: DN_A, valuesHash: 'h3', appliedAt: clock.now() });
        expect(await store.getLink(ENTRA_A)).toBeNull();
        expect((await store.getLinkByGuid(GUID_A))?.entraId).toBe(ENTRA_B);
        await expect(store.upsertLink({ entraId: ENTRA_A, objectGuid: 'not-a-guid', domain: 'x', dn: 'x', valuesHash: 'x', appliedAt: clock.now() })).rejects.toBeInstanceOf(RangeError);
        await store.close();
      });

      it('hashes attribute values independently of order and name case', () => {
        expect(hashAppliedValues({ a: ['1', '2'], B: ['x'], c: [] })).toBe(hashAppliedValues({ b: ['x'], A: ['2', '1'] }));
        expect(hashAppliedValues({ a: ['1'] })).not.toBe(hashAppliedValues({ a: ['2'] }));
      });
    });

    describe('retries and quarantine', () => {
      it('counts failures, lists due and failing objects, clears on success', async () => {
        const { clock, store } = await setup();
        const first = clock.now();
        expect(await store.recordFailure(ENTRA_A, 'DirectoryBusy', new Date(first.getTime() + 60_000), null)).toMatchObject({ failures: 1, firstFailedAt: first, lastErrorCode: 'DirectoryBusy' });
        clock.advance(120_000);
        const second = await store.recordFailure(ENTRA_A, 'AccessDenied', new Date(clock.now().getTime() + 600_000));
        expect(second).toMatchObject({ failures: 2, firstFailedAt: first, lastFailedAt: clock.now(), lastErrorCode: 'AccessDenied' });
        await store.recordFailure(ENTRA_B, 'DirectoryBusy', new Date(clock.now().getTime() + 30_000));
        expect(await store.getRetryState(ENTRA_A)).toEqual(second);

        expect(await store.dueRetries(clock.now())).toEqual([]);
        expect((await store.dueRetries(new Date(clock.now().getTime() + 30_000))).map((r) => r.entraId)).toEqual([ENTRA_B]);
        expect((await store.dueRetries(new Date(clock.now().getTime() + 600_000))).map((r) => r.entraId)).toEqual([ENTRA_B, ENTRA_A]);
        expect((await store.listFailing()).map((r) => [r.entraId, r.failures])).toEqual([[ENTRA_A, 2], [ENTRA_B, 1]]);
        expect((await store.listFailing({ minFailures: 2 })).map((r) => r.entraId)).toEqual([ENTRA_A]);

        expect(await store.clearFailure(ENTRA_A)).toBe(true);
        expect(await store.clearFailure(ENTRA_A)).toBe(false);
        expect(await store.getRetryState(ENTRA_A)).toBeNull();
        expect((await store.recordFailure(ENTRA_A, 'DirectoryBusy', clock.now())).failures).toBe(1);
        await store.close();
      });

      it('enters, confirms and lifts quarantine', async () => {
        const { clock, store } = await setup();
        expect(await store.getQuarantine()).toBeNull();
        expect(await store.liftQuarantine()).toBeNull();
        const since = clock.now();
        const q1 = await store.enterQuarantine('authentication refused', 'DirectoryBindFailed', new Date(since.getTime() + 60_000));
        expect(q1).toEqual({ reason: 'authentication refused', code: 'DirectoryBindFailed', since, attempts: 1, lastAttemptAt: since, nextAttemptAt: new Date(since.getTime() + 60_000) });
        clock.advance(60_000);
        const q2 = await store.enterQuarantine('directory unreachable', 'DirectoryUnreachable', new Date(clock.now().getTime() + 120_000));
        expect(q2).toMatchObject({ reason: 'directory unreachable', code: 'DirectoryUnreachable', since, attempts: 2, lastAttemptAt: clock.now() });
        expect(await store.getQuarantine()).toEqual(q2);
        expect(await store.liftQuarantine()).toEqual(q2);
        expect(await store.getQuarantine()).toBeNull();
        await store.close();
      });

      it('resetForRestart clears watermarks, retries and quarantine, and keeps the rest', async () => {
        const { clock, store } = await setup();
        const key = { tenant: 't', kind: 'k' };
        await store.startCycle({ kind: 'full', dryRun: false, id: 'c' });
        await store.commitCycle({ cycleId: 'c', outcome: 'success', counts: {}, watermark: { key, value: 'v' } });
        await store.recordFailure(ENTRA_A, 'DirectoryBusy', clock.now());
        await store.enterQuarantine('r', 'DirectoryUnreachable', clock.now());
        await store.upsertLink({ entraId: ENTRA_A, objectGuid: GUID_A, domain: 'd', dn: DN_A, valuesHash: 'h', appliedAt: clock.now() });
        await store.append([makeRecord({ cycleId: 'c', at: clock.now() })]);
        await store.resetForRestart();
        expect(await store.getWatermark(key)).toBeNull();
        expect(await store.listFailing()).toEqual([]);
        expect(await store.getQuarantine()).toBeNull();
        expect(await store.getLink(ENTRA_A)).not.toBeNull();
        expect((await store.queryRecords()).total).toBe(1);
        expect(await store.getCycle('c')).not.toBeNull();
        await store.close();
      });
    });

    describe('service control and state', () => {
      it('queues control requests and hands each out once, in order', async () => {
        const { clock, store } = await setup();
        expect(await store.takePendingControls()).toEqual([]);
        const pause = await store.requestControl('pause');
        clock.advance(10);
        const approve = await store.requestControl('approve', { cycleId: 'c9', by: 'admin', force: false, n: 2, none: null });
        expect(pause).toEqual({ id: pause.id, kind: 'pause', args: {}, requestedAt: new Date(clock.now().getTime() - 10), takenAt: null });
        clock.advance(10);
        const taken = await store.takePendingControls();
        expect(taken).toEqual([{ ...pause, takenAt: clock.now() }, { ...approve, takenAt: clock.now() }]);
        expect(taken[1]!.args).toEqual({ cycleId: 'c9', by: 'admin', force: false, n: 2, none: null });
        expect(await store.takePendingControls()).toEqual([]);
        const resume = await store.requestControl('resume');
        expect((await store.takePendingControls()).map((c) => c.id)).toEqual([resume.id]);
        expect(resume.id).toBeGreaterThan(approve.id);
        await store.close();
      });

      it('saves and reads the service state', async () => {
        const { clock, store } = await setup();
        expect(await store.getServiceState()).toBeNull();
        const heartbeatAt = clock.now();
        await store.setServiceState({ state: 'active', pid: 4242, heartbeatAt, nextCycleAt: new Date(heartbeatAt.getTime() + 120_000) });
        expect(await store.getServiceState()).toEqual({ state: 'active', pid: 4242, heartbeatAt, nextCycleAt: new Date(heartbeatAt.getTime() + 120_000), updatedAt: clock.now() });
        clock.advance(1000);
        await store.setServiceState({ state: 'stopped', pid: null, heartbeatAt: clock.now(), nextCycleAt: null });
        expect(await store.getServiceState()).toMatchObject({ state: 'stopped', pid: null, nextCycleAt: null, heartbeatAt: clock.now() });
        await store.close();
      });
    });

    describe('staged changes', () => {
      it('stages, lists, supersedes, approves, rejects and marks applied', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'full', dryRun: false, id: 's1' });
        const items = [
          { entraId: ENTRA_A, objectGuid: guidToBytes(GUID_A)!, dn: DN_A, changes: CHANGES, before: BEFORE, after: AFTER },
          { entraId: ENTRA_B, objectGuid: GUID_B.toUpperCase(), dn: DN_B, changes: [{ operation: 'replace' as const, attribute: 'proxyAddresses', values: ['SMTP:bo@contoso.com'] }],
            before: { proxyAddresses: ['SMTP:bo@contoso.com', 'smtp:old1@contoso.com', 'smtp:old2@contoso.com'] }, after: { proxyAddresses: ['SMTP:bo@contoso.com'] } },
        ];
        const staged = await store.stageCycle('s1', items, { reason: 'would update 2 objects (limit 1)' });
        expect(staged).toEqual({ cycleId: 's1', status: 'pending', reason: 'would update 2 objects (limit 1)', stagedAt: clock.now(), resolvedAt: null, appliedByCycleId: null, objectCount: 2, valuesRemoved: 3 }); // 'old' replaced, 2 addresses dropped
        const full = await store.getStaged('s1');
        expect(full?.items).toEqual([{ ...items[0]!, objectGuid: GUID_A }, { ...items[1]!, objectGuid: GUID_B }]);
        expect((await store.pendingApproval()).map((s) => s.cycleId)).toEqual(['s1']);
        await expect(store.stageCycle('s1', items)).rejects.toBeInstanceOf(StateStoreConflict);

        // A later staging supersedes the pending one.
        clock.advance(1000);
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 's2' });
        await store.stageCycle('s2', items.slice(0, 1));
        expect((await store.getStaged('s1'))?.status).toBe('superseded');
        expect((await store.pendingApproval()).map((s) => s.cycleId)).toEqual(['s2']);
        await expect(store.resolveStaged('s1', 'approved')).rejects.toBeInstanceOf(StateStoreConflict);

        clock.advance(1000);
        expect(await store.resolveStaged('s2', 'approved')).toMatchObject({ status: 'approved', resolvedAt: clock.now() });
        await expect(store.resolveStaged('s2', 'rejected')).rejects.toBeInstanceOf(StateStoreConflict);
        expect(await store.pendingApproval()).toEqual([]);
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'apply' });
        expect(await store.markStagedApplied('s2', 'apply')).toMatchObject({ status: 'applied', appliedByCycleId: 'apply' });
        await expect(store.markStagedApplied('s2', 'apply')).rejects.toBeInstanceOf(StateStoreConflict);

        await store.startCycle({ kind: 'incremental', dryRun: false, id: 's3' });
        await store.stageCycle('s3', items);
        expect((await store.resolveStaged('s3', 'rejected')).status).toBe('rejected');
        await expect(store.markStagedApplied('s3', 'apply')).rejects.toBeInstanceOf(StateStoreConflict);

        expect(await store.getStaged('nope')).toBeNull();
        await expect(store.resolveStaged('nope', 'approved')).rejects.toBeInstanceOf(StateStoreNotFound);
        await expect(store.stageCycle('nope', items)).rejects.toBeInstanceOf(StateStoreNotFound);
        await store.startCycle({ kind: 'incremental', dryRun: true, id: 'dry' });
        await expect(store.stageCycle('dry', items)).rejects.toBeInstanceOf(StateStoreConflict);
        await store.close();
      });
    });

    describe('intents, object results and the undo journal', () => {
      it('journals an applied intent exactly once, with record, link and cleared failure in one commit', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'c' });
        await store.recordFailure(ENTRA_A, 'DirectoryBusy', clock.now(), 'c');
        const intent = await store.beginObjectWrite({ ...intentFor('c'), objectGuid: guidToBytes(GUID_A)! });
        expect(intent).toMatchObject({ cycleId: 'c', entraId: ENTRA_A, objectGuid: GUID_A, dn: DN_A, changes: CHANGES, before: BEFORE, after: AFTER, status: 'pending', undoOf: null, journalId: null, createdAt: clock.now() });
        expect(await store.pendingIntents()).toEqual([intent]);
        expect(await store.pendingIntents('c')).toEqual([intent]);
        expect(await store.pendingIntents('other')).toEqual([]);
        // One write in flight per object.
        await expect(store.beginObjectWrite(intentFor('c'))).rejects.toBeInstanceOf(StateStoreConflict);
        // The cycle cannot end while the write is undecided.
        await expect(store.commitCycle({ cycleId: 'c', outcome: 'success', counts: {} })).rejects.toBeInstanceOf(StateStoreConflict);

        clock.advance(50);
        const record = makeRecord({ cycleId: 'c', at: clock.now(), update: true });
        const result = await store.commitObjectResult({
          cycleId: 'c', intentId: intent.id, record,
          journal: journalEntryFromIntent(intent, clock.now()),
          link: { entraId: ENTRA_A, objectGuid: GUID_A, domain: 'contoso.com', dn: DN_A, valuesHash: hashAppliedValues(AFTER), values: AFTER, appliedAt: clock.now() },
          clearFailure: ENTRA_A,
        });
        expect(result).toEqual({ journalId: expect.any(Number) as number, retryState: null });
        expect(await store.getIntent(intent.id)).toMatchObject({ status: 'applied', journalId: result.journalId, resolvedAt: clock.now() });
        expect(await store.pendingIntents()).toEqual([]);
        const journal = await store.journalForCycle('c');
        expect(journal).toEqual([{ id: result.journalId, cycleId: 'c', entraId: ENTRA_A, objectGuid: GUID_A, dn: DN_A, changes: CHANGES, before: BEFORE, after: AFTER, appliedAt: clock.now(), undoOf: null, intentId: intent.id }]);
        expect(await store.getRecord(record.id)).toEqual(record);
        expect((await store.getLink(ENTRA_A))?.valuesHash).toBe(hashAppliedValues(AFTER));
        expect(await store.getRetryState(ENTRA_A)).toBeNull();

        // Committing the same intent again (a replayed commit after a crash) writes nothing.
        await expect(store.commitObjectResult({ cycleId: 'c', intentId: intent.id, record: makeRecord({ cycleId: 'c', at: clock.now() }), journal: journalEntryFromIntent(intent, clock.now()) }))
          .rejects.toBeInstanceOf(StateStoreConflict);
        expect(await store.journalForCycle('c')).toHaveLength(1);
        expect((await store.queryRecords({ cycleId: 'c' })).total).toBe(1);

        await store.commitCycle({ cycleId: 'c', outcome: 'success', counts: { updated: 1 } });
        // A finished cycle takes no more results or intents.
        await expect(store.commitObjectResult({ cycleId: 'c', record: makeRecord({ cycleId: 'c', at: clock.now() }) })).rejects.toBeInstanceOf(StateStoreConflict);
        await expect(store.beginObjectWrite(intentFor('c'))).rejects.toBeInstanceOf(StateStoreConflict);
        await store.close();
      });

      it('commits a batch of results in one call, in order, all or none', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'full', dryRun: false, id: 'c' });
        const link = (entraId: string, objectGuid: string) => ({ entraId, objectGuid, domain: 'contoso.com', dn: DN_A, valuesHash: `h-${entraId}`, appliedAt: clock.now() });
        const first = makeRecord({ cycleId: 'c', at: clock.now() });
        const second = makeRecord({ cycleId: 'c', at: clock.now() });
        const before = await counts(store, 'c');
        // The second result reuses the first's record id: the whole batch rolls back.
        await expect(store.commitObjectResults([
          { cycleId: 'c', record: first, link: link(ENTRA_A, GUID_A) },
          { cycleId: 'c', record: { ...second, id: first.id }, link: link(ENTRA_B, GUID_B) },
        ])).rejects.toBeInstanceOf(StateStoreConflict);
        expect(await counts(store, 'c')).toEqual(before);
        expect(await store.getLink(ENTRA_A)).toBeNull();

        const results = await store.commitObjectResults([
          { cycleId: 'c', record: first, link: link(ENTRA_A, GUID_A) },
          { cycleId: 'c', record: second, link: link(ENTRA_B, GUID_B) },
        ]);
        expect(results).toHaveLength(2);
        expect((await store.getLink(ENTRA_A))?.valuesHash).toBe(`h-${ENTRA_A}`);
        expect((await store.getLink(ENTRA_B))?.valuesHash).toBe(`h-${ENTRA_B}`);
        expect(await store.commitObjectResults([])).toEqual([]);

        // Each cycle a batch names is checked: one finished cycle in it refuses the whole batch.
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'done' });
        await store.finishCycle('done', { outcome: 'success', counts: {} });
        const third = makeRecord({ cycleId: 'c', at: clock.now() });
        const late = makeRecord({ cycleId: 'done', at: clock.now() });
        await expect(store.commitObjectResults([{ cycleId: 'c', record: third }, { cycleId: 'done', record: late }])).rejects.toBeInstanceOf(StateStoreConflict);
        expect(await store.getRecord(third.id)).toBeNull();
      });

      it('writes nothing of the record, journal, link, intent, retry state or drift when any part fails', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'reconcile', dryRun: false, id: 'c' });
        const existing = makeRecord({ cycleId: 'c', at: clock.now() });
        await store.append([existing]);
        await store.recordFailure(ENTRA_A, 'DirectoryBusy', clock.now(), 'c');
        const intent = await store.beginObjectWrite(intentFor('c'));
        const before = await counts(store, 'c');
        const drift = [{ entraId: ENTRA_A, objectGuid: GUID_A, dn: DN_A, attribute: 'extensionAttribute1', adValue: ['edited'], cloudValue: ['new'], whenChanged: null, detectedAt: clock.now(), repaired: true }];
        const parts = {
          cycleId: 'c', intentId: intent.id, journal: journalEntryFromIntent(intent, clock.now()), drift, clearFailure: ENTRA_A,
          link: { entraId: ENTRA_A, objectGuid: GUID_A, domain: 'contoso.com', dn: DN_A, valuesHash: 'h', appliedAt: clock.now() },
        };

        // A record whose id exists already: the record is written last, so everything before it must roll back.
        await expect(store.commitObjectResult({ ...parts, record: { ...makeRecord({ cycleId: 'c', at: clock.now() }), id: existing.id } })).rejects.toBeInstanceOf(StateStoreConflict);
        expect(await counts(store, 'c')).toEqual(before);
        expect((await store.getIntent(intent.id))?.status).toBe('pending');

        // A broken link in the middle of the commit.
        await expect(store.commitObjectResult({ ...parts, record: makeRecord({ cycleId: 'c', at: clock.now() }), link: { ...parts.link, objectGuid: 'broken' } })).rejects.toThrow();
        expect(await counts(store, 'c')).toEqual(before);
        expect((await store.getIntent(intent.id))?.status).toBe('pending');

        // A record of another cycle, a journal entry for another object, clearing and recording a failure at once.
        await expect(store.commitObjectResult({ ...parts, record: makeRecord({ cycleId: 'other', at: clock.now() }) })).rejects.toBeInstanceOf(StateStoreConflict);
        await expect(store.commitObjectResult({ ...parts, record: makeRecord({ cycleId: 'c', at: clock.now() }), journal: { ...parts.journal, objectGuid: GUID_B } })).rejects.toBeInstanceOf(StateStoreConflict);
        await expect(store.commitObjectResult({ ...parts, record: makeRecord({ cycleId: 'c', at: clock.now() }), failure: { entraId: ENTRA_A, code: 'X', nextAttemptAt: clock.now() } })).rejects.toBeInstanceOf(StateStoreConflict);
        await expect(store.commitObjectResult({ ...parts, record: makeRecord({ cycleId: 'c', at: clock.now() }), intentId: 999_999 })).rejects.toBeInstanceOf(StateStoreNotFound);
        expect(await counts(store, 'c')).toEqual(before);

        // And then the same commit, corrected, writes all of it.
        await store.commitObjectResult({ ...parts, record: makeRecord({ cycleId: 'c', at: clock.now() }) });
        const after = await counts(store, 'c');
        expect(after).toMatchObject({ records: 2, journal: 1, retry: null, drift: 1 });
        expect(after.link?.valuesHash).toBe('h');
        expect((await store.listDrift())[0]).toMatchObject({ cycleId: 'c', attribute: 'extensionAttribute1', adValue: ['edited'], cloudValue: ['new'], repaired: true });
        await store.close();
      });

      it('resolves intents that were not applied, and abandons undecidable ones', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'c' });
        const failed = await store.beginObjectWrite(intentFor('c'));
        const result = await store.commitObjectResult({
          cycleId: 'c', intentId: failed.id, record: makeRecord({ cycleId: 'c', at: clock.now(), status: 'failure' }),
          failure: { entraId: ENTRA_A, code: 'DirectoryConstraintViolation', nextAttemptAt: new Date(clock.now().getTime() + 60_000) },
        });
        expect(result.journalId).toBeNull();
        expect(result.retryState).toMatchObject({ entraId: ENTRA_A, failures: 1, lastErrorCode: 'DirectoryConstraintViolation', lastCycleId: 'c' });
        expect(await store.getIntent(failed.id)).toMatchObject({ status: 'not-applied', journalId: null });
        expect(await store.journalForCycle('c')).toEqual([]);

        const unknown = await store.beginObjectWrite(intentFor('c'));
        expect(await store.abandonIntent(unknown.id, 'AD holds neither the before nor the after values')).toMatchObject({ status: 'abandoned', resolution: 'AD holds neither the before nor the after values' });
        await expect(store.abandonIntent(unknown.id, 'again')).rejects.toBeInstanceOf(StateStoreConflict);
        await expect(store.abandonIntent(999_999, 'x')).rejects.toBeInstanceOf(StateStoreNotFound);
        expect(await store.getIntent(999_999)).toBeNull();
        await store.commitCycle({ cycleId: 'c', outcome: 'success', counts: {} });
        await store.close();
      });

      it('recovers an interrupted write: the pending intent survives, is journaled once, and its cycle can then be aborted', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'full', dryRun: false, id: 'crashed' });
        await store.beginObjectWrite(intentFor('crashed', ASHLEY));
        await store.beginObjectWrite(intentFor('crashed', BO));
        // … the process dies after the LDAP modify of both. On start-up:
        const pending = await store.pendingIntents();
        expect(pending.map((i) => i.entraId)).toEqual([ENTRA_A, ENTRA_B]);
        expect((await store.unfinishedCycles()).map((c) => c.id)).toEqual(['crashed']);
        await expect(store.commitCycle({ cycleId: 'crashed', outcome: 'aborted', counts: {} })).rejects.toBeInstanceOf(StateStoreConflict);
        // AD holds intent.after for Ashley (applied), intent.before for Bo (not applied).
        await store.commitObjectResult({ cycleId: 'crashed', intentId: pending[0]!.id, record: makeRecord({ cycleId: 'crashed', at: clock.now(), update: true }), journal: journalEntryFromIntent(pending[0]!, clock.now()) });
        await store.abandonIntent(pending[1]!.id, 'not applied: AD holds the before values');
        await store.commitCycle({ cycleId: 'crashed', outcome: 'aborted', counts: { recovered: 1 } });
        expect((await store.journalForCycle('crashed')).map((j) => j.entraId)).toEqual([ENTRA_A]);
        expect(await store.unfinishedCycles()).toEqual([]);
        await store.close();
      });

      it('refuses writes in a dry-run cycle', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'full', dryRun: true, id: 'dry' });
        await expect(store.beginObjectWrite(intentFor('dry'))).rejects.toBeInstanceOf(StateStoreConflict);
        await expect(store.commitObjectResult({ cycleId: 'dry', record: makeRecord({ cycleId: 'dry', at: clock.now() }), journal: { ...intentFor('dry'), appliedAt: clock.now() } })).rejects.toBeInstanceOf(StateStoreConflict);
        await store.commitObjectResult({ cycleId: 'dry', record: makeRecord({ cycleId: 'dry', at: clock.now(), update: true }) });
        expect((await store.queryRecords({ cycleId: 'dry' })).total).toBe(1);
        await expect(store.beginObjectWrite(intentFor('nope'))).rejects.toBeInstanceOf(StateStoreNotFound);
        await store.close();
      });

      it('finds the journal of an object by objectGUID or Entra id, per cycle, with undo entries linked', async () => {
        const { clock, store } = await setup();
        const apply = async (cycleId: string, who: typeof ASHLEY, undoOf?: number) => {
          const intent = await store.beginObjectWrite({ ...intentFor(cycleId, who), undoOf: undoOf ?? null });
          clock.advance(10);
          const { journalId } = await store.commitObjectResult({ cycleId, intentId: intent.id, record: makeRecord({ cycleId, at: clock.now(), who }), journal: journalEntryFromIntent(intent, clock.now()) });
          return journalId!;
        };
        await store.startCycle({ kind: 'full', dryRun: false, id: 'c1' });
        const a1 = await apply('c1', ASHLEY);
        const b1 = await apply('c1', BO);
        await store.commitCycle({ cycleId: 'c1', outcome: 'success', counts: {} });
        await store.startCycle({ kind: 'incremental', dryRun: false, id: 'c2' });
        const a2 = await apply('c2', ASHLEY);
        await store.commitCycle({ cycleId: 'c2', outcome: 'success', counts: {} });
        await store.startCycle({ kind: 'undo', dryRun: false, id: 'u' });
        const undo = await apply('u', ASHLEY, a2);
        await store.commitCycle({ cycleId: 'u', outcome: 'success', counts: {} });

        expect((await store.journalForCycle('c1')).map((j) => j.id)).toEqual([a1, b1]);
        expect((await store.journalForObject(GUID_A)).map((j) => j.id)).toEqual([a1, a2, undo]);
        expect((await store.journalForObject(`{${GUID_A.toUpperCase()}}`)).map((j) => j.id)).toEqual([a1, a2, undo]);
        expect((await store.journalForObject(guidToBytes(GUID_A)!)).map((j) => j.id)).toEqual([a1, a2, undo]);
        expect((await store.journalForObject(ENTRA_A)).map((j) => j.id)).toEqual([a1, a2, undo]);
        expect((await store.journalForObject(ENTRA_B.toUpperCase())).map((j) => j.id)).toEqual([b1]);
        expect((await store.journalForObject(ENTRA_A, { cycleId: 'c2' })).map((j) => j.id)).toEqual([a2]);
        expect((await store.journalForObject('someone-else')).map((j) => j.id)).toEqual([]);
        const [undoEntry] = await store.journalForCycle('u');
        expect(undoEntry).toMatchObject({ undoOf: a2, before: BEFORE, after: AFTER });
        await store.close();
      });
    });

    describe('drift', () => {
      it('records and lists drift, newest first, filtered', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'reconcile', dryRun: false, id: 'r' });
        const base = { cycleId: 'r', entraId: ENTRA_A, objectGuid: GUID_A, dn: DN_A, attribute: 'extensionAttribute1', adValue: ['edited'], cloudValue: ['cloud'], repaired: false };
        const whenChanged = new Date('2026-03-01T07:00:00.000Z');
        const d1 = await store.recordDrift({ ...base, whenChanged, detectedAt: clock.now() });
        expect(d1).toEqual({ ...base, id: d1.id, whenChanged, detectedAt: clock.now() });
        const since = clock.advance(1000);
        const d2 = await store.recordDrift({ ...base, entraId: ENTRA_B, objectGuid: guidToBytes(GUID_B)!, attribute: 'proxyAddresses', whenChanged: null, detectedAt: clock.now(), repaired: true });
        expect(d2.objectGuid).toBe(GUID_B);
        expect((await store.listDrift()).map((d) => d.id)).toEqual([d2.id, d1.id]);
        expect((await store.listDrift({ since })).map((d) => d.id)).toEqual([d2.id]);
        expect((await store.listDrift({ limit: 1 })).map((d) => d.id)).toEqual([d2.id]);
        expect((await store.listDrift({ entraId: ENTRA_A })).map((d) => d.id)).toEqual([d1.id]);
        await expect(store.recordDrift({ ...base, cycleId: 'nope', whenChanged: null, detectedAt: clock.now() })).rejects.toBeInstanceOf(StateStoreNotFound);
        await store.close();
      });
    });

    describe('retention and closing', () => {
      it('prunes old records, drift, taken controls and resolved intents; keeps cycles, the journal and pending work', async () => {
        const { clock, store } = await setup();
        await store.startCycle({ kind: 'full', dryRun: false, id: 'old' });
        await store.append([makeRecord({ cycleId: 'old', at: clock.now(), who: BO }), makeRecord({ cycleId: 'old', at: clock.now(), who: ASHLEY })]);
        await store.recordDrift({ cycleId: 'old', entraId: ENTRA_A, objectGuid: GUID_A, dn: DN_A, attribute: 'a', adValue: [], cloudValue: ['x'], whenChanged: null, detectedAt: clock.now(), repaired: true });
        await store.requestControl('pause');
        await store.takePendingControls();
        const applied = await store.beginObjectWrite(intentFor('old'));
        await store.commitObjectResult({ cycleId: 'old', intentId: applied.id, record: makeRecord({ cycleId: 'old', at: clock.now() }), journal: journalEntryFromIntent(applied, clock.now()) });
        const stillPending = await store.beginObjectWrite(intentFor('old', BO));
        const cutoff = clock.advance(86_400_000);
        const kept = makeRecord({ cycleId: 'old', at: clock.now(), who: BO });
        await store.append([kept]);
        const pendingControl = await store.requestControl('resume');

        expect(await store.pruneRecords(cutoff)).toEqual({ records: 3, drift: 1, controls: 1, intents: 1 });
        expect((await store.queryRecords()).records.map((r) => r.id)).toEqual([kept.id]);
        expect((await store.queryRecords({ user: 'bo chen' })).records.map((r) => r.id)).toEqual([kept.id]);
        expect((await store.queryRecords({ user: 'ashley' })).total).toBe(0);
        expect(await store.listDrift()).toEqual([]);
        expect(await store.journalForCycle('old')).toHaveLength(1);
        expect(await store.getCycle('old')).not.toBeNull();
        expect((await store.pendingIntents()).map((i) => i.id)).toEqual([stillPending.id]);
        expect((await store.takePendingControls()).map((c) => c.id)).toEqual([pendingControl.id]);
        expect(await store.pruneRecords(cutoff)).toEqual({ records: 0, drift: 0, controls: 0, intents: 0 });
        await store.close();
      });

      it('rejects calls after close, and closes twice quietly', async () => {
        const { store } = await setup();
        await store.close();
        await store.close();
        await expect(store.getQuarantine()).rejects.toBeInstanceOf(StateStoreUnavailable);
        await expect(store.append([makeRecord({ cycleId: 'c', at: new Date() })])).rejects.toBeInstanceOf(StateStoreUnavailable);
      });
    });

    describe('two stores on the same storage (CLI and service)', () => {
      it('the CLI writes controls the service takes once, and reads what the service writes', async () => {
        const clock = new ManualClock();
        const [cli, service] = await harness.createShared(clock.now);
        await service.setServiceState({ state: 'active', pid: 1234, heartbeatAt: clock.now(), nextCycleAt: null });
        expect((await cli.getServiceState())?.pid).toBe(1234);

        const request = await cli.requestControl('pause', { by: 'cli' });
        const taken = await service.takePendingControls();
        expect(taken.map((c) => [c.id, c.kind, c.args])).toEqual([[request.id, 'pause', { by: 'cli' }]]);
        expect(await cli.takePendingControls()).toEqual([]);

        await service.startCycle({ kind: 'full', dryRun: false, id: 'c' });
        const records = Array.from({ length: 20 }, (_, i) => makeRecord({ cycleId: 'c', at: clock.advance(1), who: i % 2 ? ASHLEY : BO }));
        // Interleaved writes from both connections all land.
        await Promise.all(records.map((r, i) => (i % 2 ? cli : service).append([r])));
        expect((await cli.queryRecords({ cycleId: 'c' })).total).toBe(20);
        await service.stageCycle('c', [{ entraId: ENTRA_A, objectGuid: GUID_A, dn: DN_A, changes: CHANGES, before: BEFORE, after: AFTER }]);
        await service.commitCycle({ cycleId: 'c', outcome: 'staged', counts: {} });
        expect((await cli.pendingApproval()).map((s) => s.cycleId)).toEqual(['c']);
        await cli.resolveStaged('c', 'rejected');
        expect((await service.getStaged('c'))?.status).toBe('rejected');
        await cli.close();
        await service.close();
      });
    });
  });
}
