/**
 * Whether a process runs: it exists and is not a zombie. An orphan is reaped by whatever
 * adopted it, maybe late, so a zombie counts as gone. Linux (/proc).
 */
import { readFileSync } from 'node:fs';

export function processRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
