// The end-to-end tier: node test/e2e/run.mjs [--stats FILE] [more mocha options, e.g. --grep X]
// Skips (exit 0) when code-server and Chromium are not installed (test/e2e/setup installs them),
// repackages the .vsix when it is missing or older than the sources, then runs mocha on
// test/e2e/*.e2e.test.mjs and exits with mocha's code. --stats FILE: write {passed, failed,
// skipped} there as JSON (scripts/test.mjs sums these up). PINCER_E2E_VSIX=FILE: test that
// .vsix as it is (no freshness check, no packaging).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isE2eInstalled } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const started = Date.now();

const args = process.argv.slice(2);
let statsFile;
const mochaArgs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--stats') statsFile = path.resolve(args[++i]);
  else mochaArgs.push(args[i]);
}
const writeStats = (stats) => { if (statsFile) writeFileSync(statsFile, JSON.stringify(stats)); };
const testFiles = readdirSync(HERE).filter((f) => f.endsWith('.e2e.test.mjs')).sort().map((f) => path.join('test/e2e', f));

if (!isE2eInstalled()) {
  console.log('e2e tier skipped: code-server and Chromium are not installed; run test/e2e/setup to install them');
  const tests = testFiles.reduce((n, f) => n + (readFileSync(path.join(ROOT, f), 'utf8').match(/^\s*it\(/gm) ?? []).length, 0);
  writeStats({ passed: 0, failed: 0, skipped: tests });
  process.exit(0);
}

// The newest modification time of a file under each source root.
function newest(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return { file: entry, mtimeMs: stat.mtimeMs };
  let best = { file: entry, mtimeMs: 0 };
  for (const child of readdirSync(entry)) {
    if (/\.test\.ts$/.test(child)) continue; // tests are not shipped
    const found = newest(path.join(entry, child));
    if (found.mtimeMs > best.mtimeMs) best = found;
  }
  return best;
}

const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `pincer-${version}.vsix`);
const sources = ['client/src', 'server/src', 'media', 'syntaxes', 'package.json'].map((p) => path.join(ROOT, p)).filter(existsSync).map(newest);
const source = sources.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
const vsixTime = existsSync(vsix) ? statSync(vsix).mtimeMs : -1;
if (process.env.PINCER_E2E_VSIX) {
  console.log(`testing PINCER_E2E_VSIX=${process.env.PINCER_E2E_VSIX} (not repackaged)`);
} else if (vsixTime < source.mtimeMs) {
  console.log(vsixTime < 0 ? `${path.basename(vsix)} is missing; packaging it`
    : `${path.basename(vsix)} is older than ${path.relative(ROOT, source.file)}; repackaging it`);
  const pack = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit' });
  if (pack.status !== 0) {
    console.error(`e2e tier failed: npm run package exited with ${pack.status ?? pack.signal}`);
    writeStats({ passed: 0, failed: 1, skipped: 0 });
    process.exit(1);
  }
}

// The mocha CLI with --no-config, so the root .mocharc.json (tsx, *.ts) does not apply.
const mocha = spawnSync(process.execPath, [
  'node_modules/mocha/bin/mocha.js', '--no-config', '--timeout', '120000',
  '--reporter', path.join('test/e2e/stats-reporter.cjs'), ...(statsFile ? ['--reporter-option', `stats=${statsFile}`] : []),
  ...mochaArgs, ...testFiles,
], { cwd: ROOT, stdio: 'inherit' });

const shotsDir = path.join(ROOT, '.e2e/screenshots');
const shots = existsSync(shotsDir)
  ? readdirSync(shotsDir).map((f) => path.join(shotsDir, f)).filter((f) => f.endsWith('.png') && statSync(f).mtimeMs >= started).sort()
  : [];
console.log(`\nScreenshots written (${shots.length}):${shots.map((f) => `\n  ${f}`).join('')}`);
console.log(`e2e tier: ${mocha.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(mocha.status ?? 1);
