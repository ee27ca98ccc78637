export { replay, formatReport, DEFAULT_RELEASE_PREFIX, type ReplayOptions, type ReplayReport, type RequestReport } from './replay.js';
export { readRecording, bodyOf, type Recording, type RecordedEvent } from './recording.js';
export { jobDifferences, stateDifferences, stateView } from './compare.js';
export { extraJobs, extraWrites, type Written } from './extras.js';
export { mask, substitute, sortParams, parseStateMembers, type Substitutions } from './masking.js';
