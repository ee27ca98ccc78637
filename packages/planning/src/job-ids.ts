import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** 5 random [0-9a-z]: it only makes the id unique; nothing parses it (esi-reference §3.1). */
export function jobSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function jobId(action: string, handler: string, type: string, id: string, version: number, suffix = jobSuffix()): string {
  return `${action}:${handler}:${type}:${id}:${version}:${suffix}`;
}

/** The parts of a job id as jobId() writes it; undefined for anything else. */
export function parseJobId(id: string): { action: string; handler: string; type: string; resourceId: string; version: number } | undefined {
  const parts = id.split(':');
  if (parts.length !== 6) return undefined;
  const [action, handler, type, resourceId, version] = parts as [string, string, string, string, string];
  return { action, handler, type, resourceId, version: Number(version) };
}

export function jobName(type: string, id: string, version: number): string {
  return `${type}:${id}:${version}`;
}
