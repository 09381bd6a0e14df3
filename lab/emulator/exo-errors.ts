/**
 * Response shapes of the Exchange Online InvokeCommand gateway for failures: the OData error
 * envelope with `details[0].message = "ErrorId|ExceptionType|Message"`, the token refusals (401
 * with `WWW-Authenticate`), and the malformed 403 an unknown cmdlet gets.
 */
import { jsonResponse, newRequestId, type EmulatorResponse } from './http-response.js';
import { EXO_DOMAIN_CONTROLLER } from './mailbox-projection.js';

/** A cmdlet-level failure, carried up to the handler and turned into the envelope. */
export class CmdletError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly errorId: string,
    readonly exceptionType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The envelope of every EXO cmdlet error (wire-formats §2). */
export function exoErrorResponse(error: CmdletError, headers: Record<string, string> = {}): EmulatorResponse {
  const code = error.status === 404 ? 'NotFound' : error.status === 403 ? 'Forbidden' : 'BadRequest';
  return jsonResponse(error.status, {
    error: {
      code,
      message: 'Error executing cmdlet',
      details: [{ code: 'Context', target: '', message: `${error.errorId}|${error.exceptionType}|${error.message}` }],
      innererror: { message: 'Error executing cmdlet', type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' },
    },
  }, { 'request-id': newRequestId(), ...headers });
}

/** `Identity` matched nothing. */
export function notFound(identity: string): CmdletError {
  return new CmdletError(404, 'Ex6F9304', 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `The operation couldn't be performed because object '${identity}' couldn't be found on '${EXO_DOMAIN_CONTROLLER}'.`);
}

/** `Identity` matched several objects. */
export function ambiguous(identity: string): CmdletError {
  return new CmdletError(400, 'Ex0E4B1C', 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException',
    `The operation couldn't be performed because '${identity}' matches multiple entries.`);
}

/** A parameter the cmdlet doesn't have. */
export function unknownParameter(name: string): CmdletError {
  return new CmdletError(400, 'NamedParameterNotFound', 'System.Management.Automation.ParameterBindingException',
    `A parameter cannot be found that matches parameter name '${name}'.`);
}

/** A parameter value that cannot be bound (wrong type or format). */
export function bindError(name: string, detail: string): CmdletError {
  return new CmdletError(400, 'ParameterBindingFailed', 'System.Management.Automation.ParameterBindingException',
    `Cannot bind parameter '${name}'. ${detail}`);
}

/** A value the task's validation refuses (addresses, lengths, combinations). */
export function validationError(message: string, exceptionType = 'Microsoft.Exchange.Data.DataValidationException'): CmdletError {
  return new CmdletError(400, 'Ex9C2D51', exceptionType, message);
}

/** The refusal to edit a synchronized object's attribute in the cloud (text as Exchange Online shows it). */
export function outOfWriteScope(mailboxName: string, parameter: string): CmdletError {
  return new CmdletError(400, 'ExB4A1F0', 'System.InvalidOperationException',
    `The operation on mailbox "${mailboxName}" failed because it's out of the current user's write scope. The action 'Set-Mailbox', '${parameter}', can't be performed on the object '${mailboxName}' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`);
}

/** Why a bearer token is not accepted (goes into `x-ms-diagnostics`). */
export function exoUnauthorized(reason: string): EmulatorResponse {
  return {
    status: 401,
    headers: {
      'WWW-Authenticate':
        'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
      'x-ms-diagnostics': `2000001;reason="${reason}";error_category="invalid_token"`,
      'request-id': newRequestId(),
      'Content-Length': '0',
    },
    body: '',
  };
}

/** The token is valid but the app lacks `Exchange.ManageAsApp` (or an Exchange role). */
export function exoForbidden(appId: string): EmulatorResponse {
  return exoErrorResponse(new CmdletError(403, 'Ex8F1A2E', 'System.UnauthorizedAccessException',
    `The role assigned to application ${appId} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.`));
}

/**
 * What the gateway answers to a cmdlet it does not expose: 403 with a body that claims gzip
 * but holds NUL bytes. Faithful to the real service, so clients learn not to parse error bodies blindly.
 */
export function unknownCmdletResponse(): EmulatorResponse {
  return {
    status: 403,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Encoding': 'gzip', 'request-id': newRequestId() },
    body: Buffer.alloc(64, 0),
  };
}
