/* global process, fetch, AbortSignal */
// The image's HEALTHCHECK: 0 when the service's health endpoint answers 2xx, 1 otherwise.
// minbase has no curl; node is there anyway.
const url = process.env.ESI_HEALTH_URL ?? 'http://127.0.0.1:9464/healthz';
fetch(url, { signal: AbortSignal.timeout(2500) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
