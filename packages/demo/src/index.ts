export { runExampleBuild, type ExampleBuildOptions } from './run-example-build.js';
export { watchProgress, type ProgressEvent } from './progress.js';
