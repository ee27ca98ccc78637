/**
 * Statuses the poller writes into /monitoring. UP and DOWN are the original's; the two
 * others are ours (the original's collectors never showed an unreachable device):
 * UNREACHABLE — the device did not answer (timeout, no route, wrong v2c community,
 * which an agent silently drops); retried on the next poll.
 * UNKNOWN — no status could be learned: the device answered but the answer cannot be
 * read as a status (the interface is not in its ifName table, ifOperStatus is not an
 * integer, the packet is garbage), or it was not probed at all because its address is
 * outside ESI_DEVICE_ALLOW.
 */
export const STATUS = Object.freeze({
  up: 'UP',
  down: 'DOWN',
  unreachable: 'UNREACHABLE',
  unknown: 'UNKNOWN',
});
