/**
 * The only extras the replay reports today: /monitoring keys ours writes that the
 * recording never wrote. In the whole recorded window (to seq 881) the G1 poller wrote
 * no value for the ha_router, ha_interface and internet_gateway items, though their
 * states report them ACTIVE (it did write edge routers', ~190 events after their
 * creation); ours polls them and writes UP. Listed exactly, so any other extra or doubled
 * job, state, stack or /monitoring value fails the replay tests.
 */
export const KNOWN_EXTRAS = [
  'monitoring /monitoring/v2.0/ha_routers/d4286c1d-86e7-42d3-9d84-a4d9daa3ae17: not recorded, ours wrote {"primary":"UP","secondary":"UP","version":1} (extra)',
  'monitoring /monitoring/v2.0/ha_interfaces/1205d3f2-7568-412a-a554-012340ab3172: not recorded, ours wrote {"primary":"UP","secondary":"UP","version":1} (extra)',
  'monitoring /monitoring/v2.0/internet_gateways/429e24b5-a2f0-4fb8-b467-e335857e9476: not recorded, ours wrote {"downlink":"UP","uplink":"UP","version":1} (extra)',
];

/** A difference line, without the request it was filed under, is a known extra. */
export const isKnownExtra = (d: string): boolean => KNOWN_EXTRAS.some((k) => d.endsWith(k));
