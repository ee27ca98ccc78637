/** A command line for a running simulator's control server (see README.md). */
import { parseArgs } from 'node:util';
import { listDevices, setInterfaceStatus, setResponding } from './control-client.js';

const USAGE = `usage: pnpm --filter @esi/device-simulator cli <command> [--url URL]

  list                                     devices, interfaces and their status
  set <interface> <status> [--device NAME] status: up, down, lowerLayerDown, … or 1-7
  respond <device> on|off                  make a device answer or drop every request

URL: --url, or the environment variable ESI_DEVICE_SIM_URL (pnpm start prints it).`;

const { values, positionals } = parseArgs({
  // `pnpm … cli -- set …` passes the `--` on.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: { url: { type: 'string' }, device: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const url = values.url ?? process.env.ESI_DEVICE_SIM_URL;
const [command, ...rest] = positionals;

if (values.help || !command) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 1);
}
if (!url) {
  console.error('no simulator URL: pass --url or set ESI_DEVICE_SIM_URL');
  process.exit(1);
}

try {
  if (command === 'list' && rest.length === 0) {
    for (const d of await listDevices(url)) {
      console.log(`${d.name} ${d.host}:${d.port}${d.responding ? '' : ' (not responding)'}`);
      for (const i of d.interfaces) console.log(`  ${i.ifIndex}\t${i.name}\t${i.statusName}`);
    }
  } else if (command === 'set' && rest.length === 2) {
    const changed = await setInterfaceStatus(url, rest[0]!, rest[1]!, values.device);
    for (const i of [changed].flat()) console.log(`${i.name} is ${i.statusName}`);
  } else if (command === 'respond' && rest.length === 2 && ['on', 'off'].includes(rest[1]!)) {
    const d = await setResponding(url, rest[0]!, rest[1] === 'on');
    console.log(`${d.name} ${d.responding ? 'responds' : 'drops every request'}`);
  } else {
    console.error(USAGE);
    process.exit(1);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
