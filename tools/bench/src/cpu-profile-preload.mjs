/**
 * Preloaded into a service with NODE_OPTIONS="--import <this file>" when the bench runs
 * with --profile: Node 20 refuses --cpu-prof inside NODE_OPTIONS, and the local stack
 * starts services with a fixed command line, so the profiler is started here through
 * the inspector instead. On exit the profile is written as
 * <ESI_BENCH_PROFILE_DIR>/<service>-<pid>.cpuprofile, the format --cpu-prof writes.
 * Plain JavaScript: it runs before tsx is registered (or, for compiled services, alone).
 */
import process from 'node:process';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.ESI_BENCH_PROFILE_DIR;
const main = process.argv[1] ?? '';
// services/<name>/src/main.ts, or main.js in a compiled copy of the workspace
const service = /main\.[jt]s$/.test(main) ? basename(dirname(dirname(main))) : '';
if (dir && service) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // The in-process session answers synchronously, so this works inside 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err && res) writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
