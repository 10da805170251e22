// Helpers to drive a real VS Code (code-server) in headless Debian Chromium, offline.
// Tools come from test/e2e/setup (installed into .e2e/tools). No test framework needed.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.99.4';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOOLS = path.join(ROOT, '.e2e/tools');
const ENTRY = path.join(TOOLS, 'node_modules/code-server/out/node/entry.js');
const CHROMIUM = '/usr/bin/chromium';

// Exact labels of the Workspace Trust dialog in code-server 4.99.4 (VS Code 1.99.3).
export const TRUST_YES = 'Yes, I trust the authors';
export const TRUST_NO = "No, I don't trust the authors";
const STATUSBAR_ITEMS = '#workbench\\.parts\\.statusbar .statusbar-item';

export function isE2eInstalled() {
  return existsSync(path.join(TOOLS, `.installed-${CODE_SERVER_VERSION}`)) && existsSync(CHROMIUM);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Safety net: servers still running when node exits are killed and their temp dirs removed.
const live = new Set();
process.on('exit', () => { for (const s of live) s.killNow(); });
for (const sig of ['SIGINT', 'SIGTERM']) {
  // 'exit' does not fire on a signal death unless someone handles the signal
  // (left to the test runner when it already does).
  if (process.listenerCount(sig) === 0) process.once(sig, () => process.exit(128 + os.constants.signals[sig]));
}

// All descendants of pid (pty shells run in their own session, outside the process group).
function descendants(pid) {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const out = [];
  for (let frontier = [pid]; frontier.length;) {
    const kids = rows.filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    out.push(...kids);
    frontier = kids;
  }
  return out;
}

const xdgDirs = (dir) => ({
  XDG_DATA_HOME: path.join(dir, 'xdg-data'),
  XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
  XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
});

function kill(pid, sig) {
  try { process.kill(pid, sig); } catch { /* already gone */ }
}

/**
 * Makes `language` a display language of this code-server without a language pack from a marketplace:
 * VS Code runs the extension host (vscode.env.language, vscode.l10n, package.nls.<language>.json) in a
 * --locale only when user-data's languagepacks.json lists a pack for it, else it falls back to English.
 * The entry points at an empty translation file, so VS Code's own UI stays English and the extensions'
 * own translations show.
 */
function registerDisplayLanguage(tmp, userDataDir, language) {
  const translations = path.join(tmp, `vscode-${language}.i18n.json`);
  writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const pack = {
    hash: `pincer-e2e-${language}`,
    extensions: [{ extensionIdentifier: { id: `pincer-e2e.language-pack-${language}` }, version: '1.0.0' }],
    translations: { vscode: translations },
    label: language,
  };
  writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({ [language]: pack }));
}

/**
 * Starts code-server on 127.0.0.1 with fresh user-data and extensions dirs.
 * Workspace trust stays enabled on purpose (tests cover restricted mode). displayLanguage (e.g. 'zh-cn'):
 * run the workbench and the extension host in that language (see registerDisplayLanguage).
 * @returns {Promise<{url: string, port: number, pid: number, userDataDir: string, extensionsDir: string,
 *   logs: () => string, stop: () => Promise<void>}>}
 */
export async function startCodeServer({ vsixPath, workspaceDir, userSettings = {}, env = {}, displayLanguage, timeoutMs = 60_000 } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  // Quiet defaults (no welcome page, no marketplace traffic); the caller's settings win.
  const settings = {
    'workbench.startupEditor': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    ...userSettings,
  };
  writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
  const configFile = path.join(tmp, 'config.yaml');
  writeFileSync(configFile, ''); // else code-server writes ~/.config/code-server/config.yaml
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  // Keep code-server's own logs and state (~/.local/share, ~/.cache) in tmp too.
  const childEnv = { ...process.env, ...xdgDirs(tmp), ...env };

  if (vsixPath) {
    try {
      execFileSync(process.execPath, [ENTRY, ...common, '--install-extension', path.resolve(vsixPath)],
        { env: childEnv, stdio: 'pipe', timeout: timeoutMs });
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`installing ${vsixPath} failed:\n${err.stdout}${err.stderr}`);
    }
  }

  if (displayLanguage) registerDisplayLanguage(tmp, userDataDir, displayLanguage);
  const port = await freePort();
  const args = [ENTRY, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--ignore-last-opened',
    ...(displayLanguage ? ['--locale', displayLanguage] : [])];
  if (workspaceDir) args.push(workspaceDir);
  // detached: own process group, so stop() can signal the whole tree at once.
  const child = spawn(process.execPath, args, { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d) => { log = (log + d).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let running = true;
  exited.then(() => { running = false; });

  const server = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    userDataDir,
    extensionsDir,
    logs: () => log,
    killNow() {
      if (running) for (const pid of [-child.pid, ...descendants(child.pid)]) kill(pid, 'SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
      live.delete(server);
    },
    async stop() {
      if (running) {
        const tree = descendants(child.pid);
        kill(-child.pid, 'SIGTERM');
        tree.forEach((pid) => kill(pid, 'SIGTERM'));
        const t = setTimeout(() => { kill(-child.pid, 'SIGKILL'); tree.forEach((pid) => kill(pid, 'SIGKILL')); }, 5_000);
        await exited;
        clearTimeout(t);
        // Stragglers that ignored SIGTERM after the parent left.
        tree.forEach((pid) => kill(pid, 'SIGKILL'));
      }
      server.killNow();
    },
  };
  live.add(server);

  // Poll the HTTP endpoint until it answers, the process dies, or the deadline passes.
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (!running) { server.killNow(); throw new Error(`code-server exited early:\n${log}`); }
    try {
      const res = await fetch(`${server.url}/healthz`);
      if (res.ok) return server;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await server.stop(); throw new Error(`code-server did not answer in ${timeoutMs} ms:\n${log}`); }
    await Promise.race([exited, new Promise((r) => setTimeout(r, delay))]); // back-off between polls
  }
}

export async function launchBrowser() {
  // playwright-core lives in .e2e/tools, not in the repo's package.json.
  const { chromium } = createRequire(path.join(TOOLS, 'package.json'))('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium writes crash-report and dconf dirs under $HOME otherwise.
    env: { ...process.env, ...xdgDirs(path.join(ROOT, '.e2e/chromium-home')) },
    // Background-networking flags: the closed network here refuses Chromium's own connections.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Opens the folder in the workbench and answers the Workspace Trust dialog, which a fresh
 * server always shows (a folder already answered on the same server does not show it).
 */
export async function openWorkbench(page, url, workspaceDir, { trust = true, timeoutMs = 60_000 } = {}) {
  await page.goto(`${url}/?folder=${encodeURI(workspaceDir)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  const button = page.locator('.monaco-dialog-box').getByRole('button', { name: trust ? TRUST_YES : TRUST_NO, exact: true });
  await button.click({ timeout: timeoutMs });
  await page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: timeoutMs });
}

/**
 * Runs a command by its palette title, e.g. 'View: Toggle Terminal'. opensPicker: the command opens
 * a quick pick of its own (Open Chat History, Color Theme), so the palette never closes; return once
 * the command was chosen.
 */
export async function runCommand(page, title, { timeoutMs = 30_000, opensPicker = false } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  const deadline = Date.now() + timeoutMs;
  // Retried because the palette closes when something else takes focus meanwhile
  // (e.g. a terminal that a previous command just opened).
  for (;;) {
    const timeout = Math.max(1, Math.min(5_000, deadline - Date.now()));
    try {
      await page.keyboard.press('F1');
      await input.fill(`>${title}`, { timeout });
      await row.waitFor({ timeout });
      break;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      // Close the palette before the next try: F1 on an open palette does not re-list the commands,
      // and an extension's commands appear only once its contributions have loaded.
      await page.keyboard.press('Escape');
    }
  }
  // Enter if the row is focused (usually the first one), else click it (a recently used
  // command can be listed above it).
  if (await row.evaluate((e) => e.classList.contains('focused'))) await page.keyboard.press('Enter');
  else await row.click();
  if (opensPicker) return;
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Texts of the status bar items (aria-label where an item shows only an icon). */
export async function statusBarText(page) {
  return page.locator(STATUSBAR_ITEMS).evaluateAll((items) =>
    items.map((e) => (e.innerText || e.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim()).filter(Boolean));
}

/**
 * Waits until the status bar satisfies `match`: a RegExp tested against each item, or a
 * predicate over the array of item texts. Returns the texts. Waits for DOM changes with
 * page.waitForFunction between checks, so no fixed sleeps.
 */
export async function waitForStatusBar(page, match, timeoutMs = 30_000) {
  const ok = match instanceof RegExp ? (texts) => texts.some((t) => match.test(t)) : match;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await statusBarText(page);
    if (ok(texts)) return texts;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`status bar never matched ${match}; last: ${JSON.stringify(texts)}`);
    // Wait for any change in the status bar's content.
    await page.waitForFunction(([sel, before]) => {
      const now = [...document.querySelectorAll(sel)].map((e) => (e.innerText || e.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim()).filter(Boolean);
      return JSON.stringify(now) !== before;
    }, [STATUSBAR_ITEMS, JSON.stringify(texts)], { timeout: left }).catch(() => {});
  }
}

export async function screenshot(page, name) {
  const dir = path.join(ROOT, '.e2e/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
