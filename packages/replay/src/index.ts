export { replay, formatReport, type ReplayOptions, type ReplayReport, type RequestReport } from './replay.js';
export { readRecording, bodyOf, type Recording, type RecordedEvent } from './recording.js';
export { jobDifferences, stateDifferences, stateView } from './compare.js';
export { mask, substitute, sortParams, parseStateMembers, type Substitutions } from './masking.js';
