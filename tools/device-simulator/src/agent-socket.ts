/**
 * The UDP socket we hand net-snmp's agent (through its `dgramModule` option). Two
 * reasons: net-snmp turns port 0 into its default 161, so the socket binds the port we
 * asked for (0 = the kernel picks a free one, no race); and a device told to stop
 * responding must drop requests before the agent sees them, as a dead device would.
 */
import dgram, { type Socket, type SocketType } from 'node:dgram';
import { BindError } from './errors.js';

export interface AgentSocket {
  /** The module to pass as net-snmp's `dgramModule`. */
  dgramModule: { createSocket(type: SocketType): Socket };
  /** Resolves with the bound port once net-snmp has bound the socket. */
  bound(): Promise<number>;
  responding: boolean;
}

export function agentSocket(port: number): AgentSocket {
  let resolveBound: (port: number) => void = () => undefined;
  let rejectBound: (err: Error) => void = () => undefined;
  const bound = new Promise<number>((resolve, reject) => {
    resolveBound = resolve;
    rejectBound = reject;
  });
  const state: AgentSocket = {
    responding: true,
    bound: () => bound,
    dgramModule: {
      createSocket(type: SocketType): Socket {
        const s = dgram.createSocket(type);
        const bind = s.bind.bind(s) as (port: number, address?: string) => Socket;
        (s as unknown as { bind: (p: number, a?: string) => Socket }).bind = (_ignored: number, address?: string) => bind(port, address);
        const on = s.on.bind(s) as (event: string, listener: (...args: unknown[]) => void) => Socket;
        (s as unknown as { on: typeof on }).on = (event, listener) =>
          event === 'message' ? on(event, (...args) => (state.responding ? listener(...args) : undefined)) : on(event, listener);
        s.once('listening', () => resolveBound(s.address().port));
        s.once('error', (err) => rejectBound(new BindError(`cannot bind UDP ${port}: ${err.message}`, { cause: err })));
        return s;
      },
    },
  };
  return state;
}
