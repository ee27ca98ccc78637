/**
 * The bench splits a resource's time inside the services from their own /metrics: the
 * consumers' handling and the api's unary calls (not its streams), and etcd time within.
 */
import { describe, expect, it } from 'vitest';
import { parseServiceTime, timePerItem } from './service-time.js';

const exposition = (handle: number, unary: number, stream: number, etcd: number, requests: number) => `
# HELP esi_message_handle_duration_seconds Time a consumer spent on one delivery, by outcome.
esi_message_handle_duration_seconds_bucket{stream="ESI_CONFIG",consumer="planner",outcome="ack",le="0.01"} 3
esi_message_handle_duration_seconds_sum{stream="ESI_CONFIG",consumer="planner",outcome="ack"} ${handle / 2}
esi_message_handle_duration_seconds_sum{stream="ESI_RESULTS",consumer="planner",outcome="ack"} ${handle / 2}
esi_message_handle_duration_seconds_count{stream="ESI_RESULTS",consumer="planner",outcome="ack"} 7
grpc_server_handling_seconds_sum{grpc_service="esi.api.v1.Resources",grpc_method="Create",grpc_type="unary",grpc_code="OK"} ${unary}
grpc_server_handling_seconds_sum{grpc_service="esi.api.v1.Resources",grpc_method="Watch",grpc_type="server_stream",grpc_code="OK"} ${stream}
esi_etcd_request_duration_seconds_sum{op="txn",result="ok"} ${etcd}
esi_etcd_request_duration_seconds_count{op="txn",result="ok"} ${requests}
`;

describe('service time from /metrics', () => {
  it('sums handling (unary calls only) and etcd time', () => {
    expect(parseServiceTime(exposition(0.5, 0.25, 100, 0.125, 9))).toEqual({ handleS: 0.75, etcdS: 0.125, etcdRequests: 9 });
  });

  it('gives milliseconds per item between two readings', () => {
    const before = new Map([['planner', parseServiceTime(exposition(1, 0, 0, 0.5, 10))]]);
    const after = new Map([['planner', parseServiceTime(exposition(3, 0, 0, 1.5, 30))], ['api', parseServiceTime(exposition(0, 0.5, 9, 0.25, 5))]]);
    expect(timePerItem(before, after, 10)).toEqual({
      planner: { handleMs: 200, etcdMs: 100, etcdRequests: 2 },
      api: { handleMs: 50, etcdMs: 25, etcdRequests: 0.5 },
    });
  });
});
