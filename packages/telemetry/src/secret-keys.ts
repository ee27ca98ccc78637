/**
 * Log redaction: no service writes a secret to its log, whatever level and however deep
 * in a logged object it sits. The names are the fields the catalog's schemas mark
 * `secret` (passwords, logins, usernames of devices, BGP keys, credentials), the template
 * params that carry them, SNMP communities, and the bearer tokens of the api — a test in
 * services/api fails when a schema marks a field secret that is not listed here. Values
 * inside a string (a body serialised as JSON) are not reached by key: the api masks those
 * before they are logged.
 */
export const SECRET_LOG_KEYS: readonly string[] = [
  'password',
  'login',
  'username',
  'bgp_md5',
  'md5',
  'credentials',
  'user_credentials',
  'community',
  'community_name',
  'secret',
  'token',
  'authorization',
  'Authorization',
  'primary_device_password',
  'secondary_device_password',
  'primary_device_username',
  'secondary_device_username',
  'primary_device_login',
  'secondary_device_login',
  'server_password',
  'server_username',
];

/** How deep below a log line's top level a secret key is still found (pino paths have no `**`). */
export const SECRET_LOG_DEPTH = 6;

export const LOG_CENSOR = '***';

/** pino `redact` paths: every key at the top level and under up to SECRET_LOG_DEPTH wildcards. */
export function secretLogPaths(keys: readonly string[] = SECRET_LOG_KEYS, depth = SECRET_LOG_DEPTH): string[] {
  const paths: string[] = [];
  for (let d = 0; d <= depth; d++) for (const key of keys) paths.push([...Array<string>(d).fill('*'), key].join('.'));
  return paths;
}
