/** `pnpm test` runs this first: the tests need nats-server and etcd on PATH. */
import { ensureBinaries } from './ensure-binaries.js';

try {
  ensureBinaries({ nats: true, etcd: true }, (line) => console.log(`[esi] ${line}`));
} catch (err) {
  console.error(`[esi] ${(err as Error).message}`);
  process.exit(1);
}
