/**
 * The edge without an api behind it: routes it does not have, wrong methods, bodies that
 * are not JSON, an unreachable api (UNAVAILABLE, as esictl reports it), the page and its
 * security headers, and paths that try to leave the built folder.
 */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startConsoleEdge, type ConsoleEdge } from './edge-server.js';
import { isLoopbackHost, parseListen } from './edge-server.js';

let edge: ConsoleEdge;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-edge-'));
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  // Port 1 on loopback: nothing listens there, so every api call fails UNAVAILABLE.
  edge = await startConsoleEdge({ apiAddr: '127.0.0.1:1', webRoot: web });
});

afterAll(async () => {
  await edge?.close();
  rmSync(dir, { recursive: true, force: true });
});

function rawGet(path: string): Promise<string> {
  const { port } = new URL(edge.url);
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

const get = (path: string, init?: RequestInit) => fetch(new URL(path, edge.url), init);

it('listens on loopback by default and parses host:port', () => {
  expect(edge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(parseListen('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
  expect(() => parseListen('localhost')).toThrow(/host:port/);
});

it('answers unknown routes, wrong methods and bad bodies with the error shape the page reads', async () => {
  const missing = await get('/api/nothing');
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  expect((await get('/api/resources/network', { method: 'DELETE', headers: { 'x-esi-console': '1' } })).status).toBe(405);
  const bad = await get('/api/plan', { method: 'POST', body: '{not json', headers: { 'x-esi-console': '1' } });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('not JSON');
  expect((await get('/api/resources/network?pageSize=-1')).status).toBe(400);
  expect((await get('/api/resources/bad%20type')).status).toBe(404);
});

it('refuses changes without its header (another site cannot post a form to it) and Host names other than loopback', async () => {
  const forged = await get('/api/resources/network/n1/retry', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
  expect(forged.status).toBe(403);
  expect(((await forged.json()) as { error: { message: string } }).error.message).toContain('x-esi-console');
  // A name rebound to 127.0.0.1 reaches the port, but not the console.
  const { port } = new URL(edge.url);
  const rebound = await new Promise<number>((resolve, reject) =>
    request({ host: '127.0.0.1', port, path: '/api/types', headers: { host: `attacker.example:${port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end(),
  );
  expect(rebound).toBe(421);
  expect(isLoopbackHost(`localhost:${port}`)).toBe(true);
  expect(isLoopbackHost('[::1]:80')).toBe(true);
  expect(isLoopbackHost('127.0.0.1.attacker.example')).toBe(false);
});

it("passes the api's refusal on: an unreachable api is UNAVAILABLE (503)", async () => {
  const res = await get('/api/resources/network', { headers: { authorization: 'Bearer t' } });
  expect(res.status).toBe(503);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
});

it('serves the page with a strict policy, assets by name, and nothing outside its folder', async () => {
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(await page.text()).toContain('<title>page</title>');
  const asset = await get('/assets/app-1.js');
  expect(asset.headers.get('content-type')).toContain('javascript');
  expect(asset.headers.get('cache-control')).toContain('immutable');
  // Sent as written (fetch would normalize the dots away before the server saw them).
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/%E0%A4%A']) {
    expect(await rawGet(path), path).not.toContain('outside');
  }
});
