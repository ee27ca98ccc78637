/** `pnpm --filter @esi/console build`: builds the front end now unless it is current (e.g. in an image). */
import { ensureWebBuild } from './web-build.js';

const built = await ensureWebBuild((line) => console.log(line));
if (!built) console.log('console: front end already current');
