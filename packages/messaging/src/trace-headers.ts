/** W3C trace context carried in NATS message headers. */
import { context, propagation, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

export function injectTraceContext(ctx: Context = context.active(), into: MsgHdrs = natsHeaders()): MsgHdrs {
  propagation.inject(ctx, into, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
  return into;
}

export function extractTraceContext(from: MsgHdrs | undefined): Context {
  if (!from) return context.active();
  return propagation.extract(context.active(), from, {
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
    keys: (carrier) => carrier.keys(),
  });
}
