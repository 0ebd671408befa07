/**
 * pfrest's answer envelope and its error type (pfrest/pfSense-pkg-RESTAPI v2.4.3 … v2.10.0
 * `Core/Response.inc`): `code`, lower-case `status`, upper-case `response_id`, `message` with every `"` and
 * `'` turned into a backtick, `data` (`[]` on errors); success is always 200 (`Responses/Success.inc`).
 */

/** HTTP reason phrases pfrest uses (`Core/Response.inc` get_http_status_message). */
const REASONS: Record<number, string> = {
  200: 'ok',
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  406: 'not acceptable',
  409: 'conflict',
  415: 'unsupported media type',
  422: 'unprocessable entity',
  424: 'failed dependency',
  500: 'internal server error',
  503: 'service unavailable',
};

/** A pfrest error answer (`Responses/*Error.inc`). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly responseId: string,
    message: string,
    readonly data: unknown = [],
  ) {
    super(message);
  }
}

/** 400 `ValidationError`. */
export function validation(responseId: string, message: string): ApiError {
  return new ApiError(400, responseId, message);
}

/** What the server writes: status and body (JSON text or an nginx HTML page). */
export interface WireAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** The JSON envelope. */
export function envelope(code: number, responseId: string, message: string, data: unknown): WireAnswer {
  return {
    status: code,
    contentType: 'application/json',
    body: JSON.stringify({
      code,
      status: REASONS[code] ?? 'unknown',
      response_id: responseId.toUpperCase(),
      message: message.replace(/["']/g, '`'),
      data,
    }),
  };
}

/** A success envelope. */
export function success(data: unknown): WireAnswer {
  return envelope(200, 'SUCCESS', '', data);
}

/** An error envelope. */
export function failure(e: ApiError): WireAnswer {
  return envelope(e.code, e.responseId, e.message, e.data);
}

/** nginx's own page (unknown URL, 504 after `fastcgi_read_timeout 180`): HTML, no envelope (`nginx.inc`). */
export function nginxPage(status: number, reason: string): WireAnswer {
  return {
    status,
    contentType: 'text/html',
    body: `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center><hr><center>nginx</center></body></html>`,
  };
}
