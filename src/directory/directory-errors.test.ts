import {
  BusyError, ConstraintViolationError, InsufficientAccessError, InvalidCredentialsError, InvalidSyntaxError, NoSuchAttributeError,
  NoSuchObjectError, OperationsError, StrongAuthRequiredError, TypeOrValueExistsError, UnavailableError, UnwillingToPerformError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import {
  DirectoryAccessDeniedError, DirectoryBindError, DirectoryBusyError, DirectoryConnectionLostError, DirectoryConstraintError,
  DirectoryObjectGoneError, DirectoryOperationError, DirectoryTlsError, DirectoryUnreachableError, toDirectoryError,
} from './directory-errors.js';

const modify = { operation: 'modify', target: '<GUID=1>', url: 'ldaps://dc1', attributes: ['proxyAddresses'] };

describe('toDirectoryError', () => {
  it.each([
    [new InsufficientAccessError('denied'), DirectoryAccessDeniedError, 50],
    [new InvalidSyntaxError('bad'), DirectoryConstraintError, 21],
    [new ConstraintViolationError('too long'), DirectoryConstraintError, 19],
    [new TypeOrValueExistsError('dup'), DirectoryConstraintError, 20],
    [new NoSuchAttributeError('absent'), DirectoryConstraintError, 16],
    [new NoSuchObjectError('gone'), DirectoryObjectGoneError, 32],
    [new BusyError('busy'), DirectoryBusyError, 51],
    [new UnavailableError('down'), DirectoryBusyError, 52],
    [new UnwillingToPerformError('no'), DirectoryBusyError, 53],
    [new OperationsError('odd'), DirectoryOperationError, 1],
  ])('maps %s by result code', (error, type, code) => {
    const mapped = toDirectoryError(error, modify);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.resultCode).toBe(code);
    expect(mapped.target).toBe('<GUID=1>');
    expect(mapped.message).toContain('<GUID=1>');
    expect(mapped.cause).toBe(error);
  });

  it('keeps the attribute on access and constraint errors', () => {
    expect((toDirectoryError(new InsufficientAccessError(''), modify) as DirectoryAccessDeniedError).attribute).toBe('proxyAddresses');
    const two = { ...modify, attributes: ['mail', 'proxyAddresses'] };
    // With several attributes, the one the DC's diagnostic names is singled out (message only).
    expect((toDirectoryError(new TypeOrValueExistsError('problem 1006 (ATT_OR_VALUE_EXISTS), data 0, Att 90290 (proxyAddresses)'), two) as DirectoryConstraintError).attribute).toBe('proxyAddresses');
    expect((toDirectoryError(new TypeOrValueExistsError('no name'), two) as DirectoryConstraintError).attribute).toBeNull();
  });

  it('maps bind refusals without ever naming a password', () => {
    const bind = { operation: 'bind', url: 'ldaps://dc1', bindName: 'LAB\\svc' };
    const invalid = toDirectoryError(new InvalidCredentialsError('80090308: LdapErr'), bind);
    expect(invalid).toBeInstanceOf(DirectoryBindError);
    expect(invalid.resultCode).toBe(49);
    expect(invalid.message).toContain('LAB\\svc');
    expect(toDirectoryError(new StrongAuthRequiredError(''), bind).message).toMatch(/ldaps:\/\/ or StartTLS/);
  });

  it('maps TLS verification, connect failures and dropped connections by error code', () => {
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const mappedTls = toDirectoryError(tls, { operation: 'connect', url: 'ldaps://dc1' });
    expect(mappedTls).toBeInstanceOf(DirectoryTlsError);
    expect(mappedTls.message).toMatch(/CA bundle/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), { code: 'ECONNREFUSED' });
    const unreachable = toDirectoryError(refused, { operation: 'connect', url: 'ldaps://dc1' });
    expect(unreachable).toBeInstanceOf(DirectoryUnreachableError);
    expect((unreachable as DirectoryUnreachableError).failures).toEqual([{ url: 'ldaps://dc1', reason: 'connect ECONNREFUSED 127.0.0.1:636' }]);
    const lost = toDirectoryError(new Error('Connection closed before message response was received.'), modify);
    expect(lost).toBeInstanceOf(DirectoryConnectionLostError);
    expect(lost.retryable).toBe(true);
  });

  it('passes directory errors through', () => {
    const error = new DirectoryObjectGoneError('gone', null);
    expect(toDirectoryError(error, modify)).toBe(error);
  });
});
