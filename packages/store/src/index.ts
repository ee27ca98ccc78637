export { OwnedStore, type Versioned, type Expect, type WriteOp, type KeyRange, type RangeOptions, type RangeRead } from './owned-store.js';
export { OwnershipViolationError, StoreUnavailableError, isTooLarge } from './errors.js';
export { scanPrefix } from './scan-prefix.js';
export { readPendingJobRecords, type PendingJobRecord, type PendingJobRecords } from './pending-job-records.js';
export { KeptCopies } from './kept-copies.js';
export { watchPrefixFrom, type PrefixEvents, type PrefixWatch } from './prefix-watch.js';
