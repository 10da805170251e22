// What the e2e test files (*.e2e.test.mjs) share: the .vsix and test model under test, the
// code-server + Chromium start and stop around a describe block, the failure report, polling and
// the process table. harness.mjs drives code-server itself and knows nothing of Pincer or mocha.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// PINCER_E2E_VSIX: test this .vsix instead of the one `npm run package` writes.
export const VSIX = process.env.PINCER_E2E_VSIX ? path.resolve(process.env.PINCER_E2E_VSIX) : path.join(ROOT, `pincer-${version}.vsix`);
export const MODEL = process.env.PINCER_TEST_MODEL ?? path.resolve(ROOT, '..', 'shared', 'models', 'llama-2-tiny-random.gguf');
export const MODEL_NAME = path.basename(MODEL).replace(/\.gguf$/i, ''); // what the status bar shows
// User settings (workspace values of pincer.model are ignored in Restricted Mode). One thread:
// on small shared-vCPU machines more threads are much slower; gpu off keeps the backend "CPU".
export const PINCER_SETTINGS = { 'pincer.model': MODEL, 'pincer.threads': 1, 'pincer.gpu': 'off' };
export const VIEWPORT = { width: 1280, height: 800 };

// The extension's status bar item: VS Code gives it the id "<extension id>.<item id>".
export const PINCER_ITEM = '#workbench\\.parts\\.statusbar .statusbar-item[id$="pincer.status"]';

/** The chat webview's document, two iframes deep (the walkthrough's media is a webview too: pick Pincer's). */
export function chatFrame(page) {
  return page.frameLocator('iframe.webview.ready[src*="extensionId=pincer.pincer"]').frameLocator('iframe#active-frame');
}

/** Polls fn (backing off 50..500 ms) until it returns a truthy value; throws after timeoutMs. */
export async function poll(fn, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The process table: {pid, ppid, args} per process. */
export function psRows() {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' }).split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/)).filter(Boolean)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args }));
}

/** A screenshot (h.screenshot) taken with the mouse parked at x, y, away from hover tooltips. */
export async function screenshotWithMouseAt(page, name, x, y) {
  await page.mouse.move(x, y);
  return h.screenshot(page, name);
}

/** before(): skips the block when the tools or the test model are missing; the .vsix must exist. */
export function skipUnlessRunnable(context) {
  if (!h.isE2eInstalled()) {
    console.warn('    skipped: code-server and Chromium are not installed; run test/e2e/setup');
    context.skip();
  }
  if (!existsSync(MODEL)) {
    console.warn(`    skipped: no test model at ${MODEL}; set PINCER_TEST_MODEL to a GGUF file`);
    context.skip();
  }
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run the tier with node test/e2e/run.mjs (it packages the extension)`);
}

/**
 * Starts code-server with the .vsix on a fresh folder (pincer-e2e-ws-<kind>-*, holding `files`,
 * {relative/path: content}) and profile (code-server's environment plus `env`; displayLanguage e.g. 'zh-cn'),
 * opens it in Chromium, answers trust, then runs ready(page).
 * Sets ctx.workspaceDir, ctx.server, ctx.browser and ctx.page. On failure saves
 * FAILED-setup-<kind>.png (when the page is up) and prints where, with code-server's log.
 */
export async function start(ctx, { kind, trust, userSettings, files = {}, env = {}, displayLanguage, ready = async () => {} }) {
  ctx.workspaceDir = mkdtempSync(path.join(os.tmpdir(), `pincer-e2e-ws-${kind}-`));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ctx.workspaceDir, name)), { recursive: true });
    writeFileSync(path.join(ctx.workspaceDir, name), content);
  }
  try {
    ctx.server = await h.startCodeServer({ vsixPath: VSIX, workspaceDir: ctx.workspaceDir, userSettings, env, displayLanguage });
    ctx.browser = await h.launchBrowser();
    ctx.page = await ctx.browser.newPage({ viewport: VIEWPORT });
    await h.openWorkbench(ctx.page, ctx.server.url, ctx.workspaceDir, { trust });
    await ready(ctx.page);
  } catch (error) {
    if (ctx.page) {
      try { console.log(`    setup failure screenshot: ${await h.screenshot(ctx.page, `FAILED-setup-${kind}`)}`); } catch { /* page gone */ }
    }
    if (ctx.server) console.log(`    code-server log (tail):\n${ctx.server.logs().slice(-3000)}`);
    throw error;
  }
}

/** Stops Chromium and code-server (with the Pincer server), then checks that nothing is left. */
export async function stop(ctx) {
  const problems = [];
  try { await ctx.browser?.close(); } catch (error) { problems.push(`closing Chromium: ${error.message}`); }
  const tmp = ctx.server && path.dirname(ctx.server.extensionsDir);
  try { await ctx.server?.stop(); } catch (error) { problems.push(`stopping code-server: ${error.message}`); }
  if (tmp) {
    // Anything still running from this server's temp dir escaped the process tree: kill it.
    const stray = psRows().filter(({ args }) => args.includes(tmp));
    for (const { pid } of stray) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    // code-server may start a new pty host while it shuts down (seen once in CI): that is its own process,
    // not one Pincer left behind, so it is killed without failing the test.
    const left = stray.filter(({ args }) => !/bootstrap-fork --type=ptyHost\b/.test(args));
    if (left.length) problems.push(`processes left running after stop():\n${left.map((p) => `${p.pid} ${p.args}`).join('\n')}`);
  }
  if (ctx.workspaceDir) rmSync(ctx.workspaceDir, { recursive: true, force: true });
  if (problems.length) throw new Error(problems.join('\n'));
}

/**
 * afterEach: on failure, save a screenshot and print where, then what details(page) prints (the
 * test file's own state: status or ghost text history, ...), then code-server's log.
 */
export function reportFailure(ctx, details = async () => {}) {
  return async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !ctx.page) return;
    const name = `FAILED-${test.fullTitle().replace(/[^\w-]+/g, '-').replace(/^-|-$/g, '').slice(0, 100)}`;
    try {
      console.log(`    failure screenshot: ${await h.screenshot(ctx.page, name)}`);
    } catch (error) {
      console.log(`    (no failure screenshot: ${error.message})`);
    }
    await details(ctx.page);
    if (ctx.server) console.log(`    code-server log (tail):\n${ctx.server.logs().slice(-3000)}`);
  };
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits until its editor has the focus. */
export async function quickOpen(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row.focused .label-name', { hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('.part.editor .tab.active', { hasText: name }).waitFor();
  await page.locator('.part.editor .monaco-editor.focused').waitFor();
}

/** Waits until the status bar shows the test model loaded on the CPU (the aria-label spells the state out). */
export async function waitForModelReady(page) {
  await page.waitForFunction(([sel, text]) => {
    const item = document.querySelector(sel);
    return item?.innerText.replace(/\s+/g, ' ').trim() === text && item.getAttribute('aria-label')?.startsWith('Pincer — ready.');
  }, [PINCER_ITEM, `${MODEL_NAME} · CPU`], { timeout: 60_000 });
}
