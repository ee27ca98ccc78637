/** Thrown by a test server's `validate` hook to answer with a Heat error of this status and type. */
export class HeatFault extends Error {
  override readonly name = 'HeatFault';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The body Heat's fault middleware writes for an error. */
export function heatErrorBody(status: number, type: string, message: string): unknown {
  return {
    explanation: 'The server could not comply with the request.',
    code: status,
    error: { message, traceback: null, type },
    title: TITLES[status] ?? 'Error',
  };
}
