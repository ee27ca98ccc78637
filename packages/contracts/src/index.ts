export * from './ownership.js';
export * from './keys.js';
export * from './subjects.js';
export * from './stored-values.js';
export * from './job-codec.js';
export * as events from './gen/esi/events/v1/events.js';
export * as api from './gen/esi/api/v1/resource_service.js';
export * from './python-json.js';
