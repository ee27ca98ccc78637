/** Client of the control server (control-server.ts), for the CLI, tests and scripts. */
import type { DeviceState, InterfaceState } from './simulated-device.js';

/** The control server answered with an error, or could not be reached. */
export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function call<T>(url: string, method: 'GET' | 'PUT', body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ControlRequestError(`device simulator at ${url} did not answer: ${(err as Error).message}`, true, { cause: err });
  }
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ControlRequestError(`${method} ${url}: ${res.status} ${data.error ?? ''}`.trim(), res.status >= 500);
  return data;
}

const seg = encodeURIComponent;

export const listDevices = (baseUrl: string): Promise<DeviceState[]> => call(`${baseUrl}/devices`, 'GET');

/** Sets an interface's status on one device, or on every device serving it. */
export function setInterfaceStatus(baseUrl: string, name: string, status: string | number, device?: string): Promise<InterfaceState | InterfaceState[]> {
  const url = device === undefined ? `${baseUrl}/interfaces/${seg(name)}` : `${baseUrl}/devices/${seg(device)}/interfaces/${seg(name)}`;
  return call(url, 'PUT', { status });
}

export const setResponding = (baseUrl: string, device: string, responding: boolean): Promise<DeviceState> =>
  call(`${baseUrl}/devices/${seg(device)}`, 'PUT', { responding });
