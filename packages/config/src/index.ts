export { ConfigError } from './errors.js';
export { parseConfig, parsers, type Env, type FieldSpec, type Spec } from './parse-env.js';
export { commonSpec, type CommonConfig } from './common.js';
