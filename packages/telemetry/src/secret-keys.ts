/**
 * The keys no service writes to its log, whatever level and however deep in a logged
 * object they sit: the logger censors each one's value to LOG_CENSOR (censor-secrets.ts).
 * The names are the fields the catalog's schemas mark `secret` (passwords, logins,
 * usernames of devices, BGP keys, credentials), the template params that carry them, SNMP
 * communities, and the bearer tokens of the api — a test in services/api fails when a
 * schema marks a field secret that is not listed here. Values inside a string (a body
 * serialised as JSON) are not reached by key: the api masks those before they are logged.
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

export const LOG_CENSOR = '***';
