import { describe, expect, it } from 'vitest';
import { errorFromWire, errorToWire } from './commit-worker.js';
import {
  StateStoreBusy, StateStoreConflict, StateStoreCorrupt, StateStoreNotFound, StateStoreUnavailable, StateStoreVersionTooNew,
} from './state-store-errors.js';

describe('commit worker errors across the thread', () => {
  const path = '/var/lib/exo-writeback/state.db';

  it.each([
    new StateStoreConflict('state store x: cycle c is finished', path),
    new StateStoreNotFound('state store x: no cycle c', path),
    new StateStoreBusy('state store x is locked by another process', path),
    new StateStoreCorrupt('state store x is damaged', path),
    new StateStoreUnavailable('state store x cannot be used', path),
  ])('gives back a $code with its class, message and retryability', (error) => {
    const back = errorFromWire(structuredClone(errorToWire(error)), path);
    expect(back).toBeInstanceOf(error.constructor);
    expect(back).toMatchObject({ code: error.code, message: error.message, path, retryable: error.retryable });
  });

  it('gives back StateStoreTooNew with both versions', () => {
    const back = errorFromWire(structuredClone(errorToWire(new StateStoreVersionTooNew(path, 9, 4))), path);
    expect(back).toBeInstanceOf(StateStoreVersionTooNew);
    expect(back).toMatchObject({ code: 'StateStoreTooNew', fileVersion: 9, knownVersion: 4 });
  });

  it('keeps the name and message of any other error', () => {
    const back = errorFromWire(structuredClone(errorToWire(new RangeError('activityDateTime is not a date'))), path);
    expect(back).not.toBeInstanceOf(StateStoreConflict);
    expect(back).toMatchObject({ name: 'RangeError', message: 'activityDateTime is not a date' });
    expect(errorFromWire(errorToWire('thrown text'), path).message).toBe('thrown text');
  });
});
