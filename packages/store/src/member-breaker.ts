/**
 * The per-member circuit breaker the etcd client runs every call through: three failed
 * calls in a row and calls to that member fail at once for 5 s (etcd3's default). etcd3
 * also reports each failed stream (a watch, a lease keepalive) to the same breaker, and
 * a stream it cancelled itself counts: a planner that wins an election ends a watch,
 * etcd3 took that for an outage and reset its channels (no longer: keep-channels-open.ts),
 * the other streams dropped, and those drops opened the breaker. A planner taking over
 * partitions then could not read for 5 s and exited. Here only calls count: a stream's
 * failure is reported to the policy as a function that throws at once, while a call's
 * goes through its promise.
 */
import { circuitBreaker, ConsecutiveBreaker, handleWhen, type IDefaultPolicyContext, type IPolicy } from 'cockatiel';
import { isRecoverableError } from 'etcd3';

export function memberBreaker(): IPolicy<IDefaultPolicyContext> {
  const streamReports = new WeakSet<object>();
  const breaker = circuitBreaker(
    handleWhen((err) => isRecoverableError(err) && !streamReports.has(err)),
    { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(3) },
  );
  const policy = Object.create(breaker) as IPolicy<IDefaultPolicyContext>;
  policy.execute = <T>(fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal?: AbortSignal) =>
    breaker.execute((context) => {
      try {
        return fn(context);
      } catch (err) {
        if (typeof err === 'object' && err !== null) streamReports.add(err);
        throw err;
      }
    }, signal);
  return policy;
}
