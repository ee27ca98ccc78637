export { UNKNOWN_ERRORS_ARE_RETRYABLE, isOutage, isRetryable, messageOf } from './retryable.js';
export { ClassifiedError } from './classified-error.js';
