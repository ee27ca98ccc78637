/**
 * IF-MIB ifOperStatus values (RFC 2863). Statuses are named as the MIB names them so a
 * person can set any of them; pollers treat only up(1) as UP.
 */
import { SimulatorConfigError } from './errors.js';

export const IF_OPER_STATUS = Object.freeze({
  up: 1,
  down: 2,
  testing: 3,
  unknown: 4,
  dormant: 5,
  notPresent: 6,
  lowerLayerDown: 7,
});

export type IfStatusName = keyof typeof IF_OPER_STATUS;

const BY_LOWER = new Map(Object.entries(IF_OPER_STATUS).map(([k, v]) => [k.toLowerCase(), v]));

/** Accepts a name in any case (`up`, `DOWN`, `lowerLayerDown`) or the MIB number 1–7. */
export function parseIfStatus(raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 7) return raw;
  if (typeof raw === 'string') {
    const n = BY_LOWER.get(raw.trim().toLowerCase()) ?? (/^[1-7]$/.test(raw.trim()) ? Number(raw.trim()) : undefined);
    if (n !== undefined) return n;
  }
  throw new SimulatorConfigError(
    `interface status ${JSON.stringify(raw)} is not one of ${Object.keys(IF_OPER_STATUS).join(', ')} (or 1-7)`,
  );
}

export function ifStatusName(value: number): IfStatusName | string {
  const hit = Object.entries(IF_OPER_STATUS).find(([, v]) => v === value);
  return hit ? hit[0] : String(value);
}
