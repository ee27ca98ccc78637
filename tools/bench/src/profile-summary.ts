/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and lists the functions with the most self
 * time, with their file, so a report can say where a service spends its CPU.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout this file is in, as the profiles' file URLs name it. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A profile URL's path inside this checkout (packages/…, services/…), or undefined outside it. */
export function workspacePath(url: string): string | undefined {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : undefined;
}

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * A .cpuprofile as `node --cpu-prof` (or the bench's preload) writes it; read once, summed
 * several ways. `compiledRoot`: the services ran from this compiled copy of the workspace,
 * whose files are then named as this checkout's (services/api/src/x.js), so they count as
 * the services' own code.
 */
export function readProfile(file: string, compiledRoot?: string): CpuProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  if (compiledRoot) {
    const from = pathToFileURL(compiledRoot.endsWith('/') ? compiledRoot : `${compiledRoot}/`).href;
    const to = pathToFileURL(ROOT).href;
    for (const n of profile.nodes) if (n.callFrame.url.startsWith(from)) n.callFrame.url = to + n.callFrame.url.slice(from.length);
  }
  return profile;
}

export interface HotFunction {
  name: string;
  where: string;
  selfPct: number;
}

/** `fromMs`: samples taken before this many ms after the profile started (start-up) are left out. */
export function hottestFunctions(profile: CpuProfile, top = 12, fromMs = 0): { totalMs: number; idlePct: number; functions: HotFunction[] } {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = 0;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < fromMs * 1000) continue;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  }
  const byName = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    total += us;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += us;
    const url = n.callFrame.url;
    const where = workspacePath(url) ?? url.replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\//, '');
    const key = `${name}\u0000${where}:${n.callFrame.lineNumber + 1}`;
    byName.set(key, (byName.get(key) ?? 0) + us);
  }
  const functions = [...byName]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => {
      const [name, where] = k.split('\u0000') as [string, string];
      return { name, where, selfPct: (100 * us) / Math.max(1, total - idle) };
    });
  return { totalMs: total / 1000, idlePct: (100 * idle) / Math.max(1, total), functions };
}

/** Self time grouped by package (node_modules name, workspace package, or node internals). */
export function selfTimeByPackage(profile: CpuProfile, fromMs = 0): { pkg: string; pct: number }[] {
  const byNode = new Map<number, number>();
  let at = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at >= fromMs * 1000) byNode.set(samples[i]!, (byNode.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  }
  const byPkg = new Map<string, number>();
  let busy = 0;
  for (const n of profile.nodes) {
    const us = byNode.get(n.id) ?? 0;
    if (n.callFrame.functionName === '(idle)' || us === 0) continue;
    busy += us;
    const pkg = packageOf(n.callFrame.url, n.callFrame.functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
  }
  return [...byPkg].sort((a, b) => b[1] - a[1]).map(([pkg, us]) => ({ pkg, pct: (100 * us) / Math.max(1, busy) }));
}

function packageOf(url: string, fn: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  if (nm) return nm[1]!;
  const ws = /^((?:packages|services|tools)\/[^/]+)\//.exec(workspacePath(url) ?? '');
  if (ws) return ws[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  return url;
}
