export { ConfigError } from './errors.js';
export { parseConfigOrExit } from './parse-or-exit.js';
export { parseConfig, parsers, type Check, type Env, type FieldSpec, type Spec } from './parse-env.js';
export { mergeSpecs } from './merge-specs.js';
export { DEFAULT_API_ADDR, DEFAULT_STREAM_RETENTION, commonChecks, commonSpec, type CommonConfig } from './common.js';
export { hideCredentials } from './redact.js';
export { describeSpec } from './describe-spec.js';
