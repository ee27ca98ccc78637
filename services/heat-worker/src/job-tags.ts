/**
 * Stack tags that make jobs idempotent. The stack remembers which job last acted on it
 * (`esi_job_<sha1 of the job id>`, because job ids exceed Heat's 80-character tag limit)
 * and for which resource version (`esi_version_<n>`). A redelivered job that finds its
 * own tag reports what the stack shows instead of acting again.
 */
import { createHash } from 'node:crypto';

export const JOB_TAG_PREFIX = 'esi_job_';
const VERSION_PREFIX = 'esi_version_';

export function jobTag(jobId: string): string {
  return `${JOB_TAG_PREFIX}${createHash('sha1').update(jobId).digest('hex')}`;
}

export function jobTags(jobId: string, version: number): string[] {
  return [jobTag(jobId), `${VERSION_PREFIX}${version}`];
}

/** The resource version the stack was last brought to, when it says. */
export function versionOf(tags: readonly string[]): number | undefined {
  const tag = tags.find((t) => t.startsWith(VERSION_PREFIX));
  const n = tag === undefined ? NaN : Number(tag.slice(VERSION_PREFIX.length));
  return Number.isInteger(n) ? n : undefined;
}
