/* global process, console */
// Fails when a test was skipped that .ci/allowed-skips.txt does not name with a reason.
// Reads the vitest JSON report: node .ci/check-skips.mjs <report.json> <allow-list>
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [reportFile, allowFile] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const allowed = new Map();
for (const line of readFileSync(allowFile, 'utf8').split('\n')) {
  if (line.trim() === '' || line.startsWith('#')) continue;
  const [file, name, reason] = line.split('|').map((s) => s.trim());
  if (!file || !name || !reason) {
    console.error(`${allowFile}: an entry needs a file, a test name and a reason: ${line}`);
    process.exit(1);
  }
  allowed.set(`${file} | ${name}`, reason);
}

const skipped = [];
for (const file of report.testResults ?? []) {
  for (const test of file.assertionResults ?? []) {
    if (test.status === 'passed' || test.status === 'failed') continue;
    skipped.push(`${relative(process.cwd(), file.name)} | ${test.fullName}`);
  }
}
const unexplained = skipped.filter((s) => !allowed.has(s));
for (const s of skipped) if (allowed.has(s)) console.log(`skipped (allowed: ${allowed.get(s)}): ${s}`);
if (unexplained.length > 0) {
  console.error(`${unexplained.length} test(s) skipped without a reason in ${allowFile}:`);
  for (const s of unexplained) console.error(`  ${s}`);
  process.exit(1);
}
