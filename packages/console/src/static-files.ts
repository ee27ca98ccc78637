/**
 * Serves the built front end (dist/web). Paths are resolved inside the folder only;
 * anything that is not a file there gets the page itself, whose router reads the hash.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The page may load only its own scripts and styles and talk only to this edge. */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    decoded = '/'; // A malformed escape names no file: the page it is.
  }
  // normalize() of an absolute path cannot climb above "/", and the check below keeps it inside root.
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if (!file.startsWith(root + sep) || !(await stat(file).then((s) => s.isFile(), () => false))) file = join(root, 'index.html');
  const body = await readFile(file).catch(() => undefined);
  if (!body) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('the console front end is not built (pnpm --filter @esi/console build)\n');
    return;
  }
  // Built assets carry a content hash in their names; the page itself must be fresh.
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  res.end(body);
}
