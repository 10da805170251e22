// End-to-end tests: the packaged .vsix installed in a real VS Code (code-server 4.99.4), driven
// through headless Chromium with the tiny test model. Run with `node test/e2e/run.mjs`, which
// skips the tier when test/e2e/setup has not installed the tools and repackages a stale .vsix.
//
// Every wait below waits on an event (a DOM change in the page) or polls with a deadline; there
// are no fixed sleeps. Each test saves a screenshot to .e2e/screenshots/ at its end, and a failing
// test saves a FAILED-<test>.png there too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import {
  MODEL_NAME, PINCER_ITEM, PINCER_SETTINGS, VIEWPORT, poll, psRows, reportFailure, screenshotWithMouseAt, skipUnlessRunnable,
  start as startWorkbench, stop,
} from './e2e-helpers.mjs';

// Read-only commands stay in Restricted Mode; Run Task… is listed too (its edit tasks are refused there).
// The git commands are not: git runs programs a repository's config names. MCP Servers… and Set Remote API Key…
// stay: they act on user-level settings and SecretStorage (workspace MCP servers are off in Restricted Mode).
const PINCER_COMMANDS = [
  'Pincer: Download Model…', 'Pincer: Restart Server', 'Pincer: Select Model…', 'Pincer: Show Server Log',
  'Pincer: Ask…', 'Pincer: Explain File', 'Pincer: Run Task…',
  'Pincer: OCR Document to Markdown', 'Pincer: Re-index Codebase', 'Pincer: New Chat', 'Pincer: Open Chat History', 'Pincer: Focus on Chat View', 'View: Show Pincer',
  'Pincer: MCP Servers…', 'Pincer: Set Remote API Key…',
  // Dictation records and transcribes on this machine into the chat prompt; it runs nothing.
  'Pincer: Dictate',
  // First run: choosing a model changes user settings only, as Select Model… does.
  'Pincer: Choose a Model for This Machine…', 'Pincer: Use an Existing GGUF File…', 'Pincer: Use a Remote Endpoint…',
];
const RESTRICTED_WHY = 'Restricted Mode: this workspace is not trusted, so only read-only features run (no agent, no terminal).';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Pids of Pincer servers started from this code-server's extensions dir. */
function serverPids(extensionsDir) {
  return psRows().filter(({ args }) => args.includes(`${extensionsDir}${path.sep}`) && /dist\/server\/main\.mjs serve\b/.test(args))
    .map(({ pid }) => pid);
}

/**
 * Waits until exactly one Pincer server runs and it is not `previous` (so `previous` is gone: a
 * dead process, zombie included, no longer shows its arguments); returns its pid.
 */
function waitForOneServer(extensionsDir, previous, timeoutMs = 60_000) {
  return poll(() => {
    const pids = serverPids(extensionsDir);
    return pids.length === 1 && pids[0] !== previous ? pids[0] : undefined;
  }, previous ? `a new Pincer server replacing pid ${previous}` : 'one Pincer server process', timeoutMs);
}

/** Every process started by this test run (code-server, Chromium, Pincer servers, ...). */
function ourProcesses() {
  const rows = psRows();
  const out = [];
  for (let frontier = [process.pid]; frontier.length;) {
    const kids = rows.filter(({ ppid }) => frontier.includes(ppid)).map(({ pid }) => pid);
    out.push(...kids);
    frontier = kids;
  }
  return new Set(out);
}

/** Asserts that no process of this run listens (TCP or UDP) anywhere but 127.0.0.1. */
function assertLoopbackOnly() {
  const ours = ourProcesses();
  let table;
  try {
    table = execFileSync('ss', ['-H', '-t', '-u', '-l', '-n', '-p'], { encoding: 'utf8' });
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    console.warn('    (listening sockets not checked: ss is not installed)');
    return;
  }
  const sockets = table.split('\n').filter(Boolean)
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
      return { local: cols[4], pids, line };
    })
    .filter(({ pids }) => pids.some((pid) => ours.has(pid)));
  assert.ok(sockets.length > 0, 'expected at least code-server listening');
  for (const { local, line } of sockets) {
    assert.equal(local.slice(0, local.lastIndexOf(':')), '127.0.0.1', `listens beyond loopback: ${line}`);
  }
}

/**
 * Records every change of the Pincer status bar item in window.__pincerStatus, as
 * {text, label} entries (text: what the item shows, codicons left out; label: its aria-label),
 * so that tests see short-lived states too.
 */
async function recordPincerStatus(page) {
  await page.locator(PINCER_ITEM).waitFor({ timeout: 60_000 });
  await page.evaluate((selector) => {
    const log = (window.__pincerStatus = []);
    const read = () => {
      const item = document.querySelector(selector);
      if (!item) return;
      const entry = { text: item.innerText.replace(/\s+/g, ' ').trim(), label: item.getAttribute('aria-label') ?? '', at: Date.now() };
      const last = log.at(-1);
      if (!last || last.text !== entry.text || last.label !== entry.label) log.push(entry);
    };
    read();
    new MutationObserver(read).observe(document.getElementById('workbench.parts.statusbar'),
      { subtree: true, childList: true, characterData: true, attributes: true });
  }, PINCER_ITEM);
}

const statusHistory = (page) => page.evaluate(() => window.__pincerStatus.slice());

/** Ready: the model and backend, the "ready" state in the aria-label, restricted as expected. */
function isReady(entry, restricted = false) {
  return entry !== undefined
    && entry.text === `${MODEL_NAME} · CPU${restricted ? ' · restricted' : ''}`
    && entry.label.startsWith('Pincer — ready.');
}

/** Waits until predicate(history) holds, re-checking on each recorded status change. */
async function waitForStatus(page, predicate, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const history = await statusHistory(page);
    if (predicate(history)) return history;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out waiting for ${what}; Pincer status history:\n${formatHistory(history)}`);
    await page.waitForFunction((n) => window.__pincerStatus.length !== n, history.length, { timeout: left }).catch(() => {});
  }
}

const formatHistory = (history) => history.map((e) => `  ${new Date(e.at).toISOString()} ${JSON.stringify(e.text)} | ${e.label}`).join('\n');

/** The visible lines of the Output panel's editor, in screen order. */
function outputText(page) {
  return page.locator('.part.panel .monaco-editor .view-lines').first().evaluate((lines) =>
    [...lines.querySelectorAll('.view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => line.textContent.replace(/\u00a0/g, ' ')).join('\n'));
}

/**
 * Waits until the Output panel shows the Pincer channel with all `needles` in its visible lines
 * (compared without whitespace: long lines wrap). Returns the visible text.
 */
async function waitForPincerOutput(page, needles, timeoutMs = 30_000) {
  const squeezed = needles.map((n) => n.replace(/\s+/g, ''));
  try {
    await page.waitForFunction((wanted) => {
      const tab = document.querySelector('.part.panel .composite-bar .action-item.checked .action-label');
      const channel = document.querySelector('.part.panel .title-actions select.monaco-select-box');
      const lines = document.querySelector('.part.panel .monaco-editor .view-lines');
      if (tab?.textContent !== 'Output' || channel?.value !== 'Pincer' || !lines) return false;
      const text = lines.textContent.replace(/\s+/g, '');
      return wanted.every((w) => text.includes(w));
    }, squeezed, { timeout: timeoutMs });
  } catch (error) {
    const text = await outputText(page).catch(() => '(no output editor)');
    throw new Error(`the Pincer output channel never showed ${JSON.stringify(needles)}; visible:\n${text}\n(${error.message})`);
  }
  return outputText(page);
}

/** Maximizes the panel (idempotent), so that more of the server log is visible. */
async function maximizePanel(page) {
  const maximize = page.locator('.part.panel .global-actions .action-label[aria-label="Maximize Panel Size"]');
  if (await maximize.isVisible()) await maximize.click();
  await page.locator('.part.panel .global-actions .action-label[aria-label="Restore Panel Size"]').waitFor({ timeout: 10_000 });
}

/** A screenshot with the mouse parked over the empty editor area (no stray hover tooltips). */
const screenshot = (page, name) => screenshotWithMouseAt(page, name, VIEWPORT.width * 0.8, VIEWPORT.height * 0.35);

/** Starts code-server with the .vsix on a fresh folder and profile, opens it and answers trust. */
function start(ctx, { trust }) {
  return startWorkbench(ctx, { kind: trust ? 'trusted' : 'restricted', trust, userSettings: PINCER_SETTINGS, ready: recordPincerStatus });
}

/** afterEach: on failure, save a screenshot and print where, the status history and server logs. */
const reportStatusOnFailure = (ctx) => reportFailure(ctx, async (page) => {
  try { console.log(`    Pincer status history:\n${formatHistory(await statusHistory(page))}`); } catch { /* page gone */ }
});

// ---------------------------------------------------------------------------------------------

describe('Pincer e2e: trusted workspace', function () {
  const ctx = {};
  before(async function () {
    skipUnlessRunnable(this);
    await start(ctx, { trust: true });
  });
  afterEach(reportStatusOnFailure(ctx));
  after(async function () {
    await stop(ctx);
  });

  it('activates: the status bar shows the model and backend, and the server log shows the load', async function () {
    const { page } = ctx;
    const history = await waitForStatus(page, (hs) => isReady(hs.at(-1)), 'the Pincer status to be ready');
    const ready = history.at(-1);
    assert.match(ready.text, new RegExp(`${MODEL_NAME}.*CPU`));
    assert.doesNotMatch(ready.text, /restricted/);
    assert.match(ready.label, new RegExp(`Model: ${MODEL_NAME}\\. Backend: CPU\\.`));
    assert.doesNotMatch(ready.label, /Restricted Mode/);
    assert.ok(!(await h.statusBarText(page)).includes('Restricted Mode'), 'the workspace should be trusted');
    await waitForOneServer(ctx.server.extensionsDir);
    assertLoopbackOnly();

    await h.runCommand(page, 'Pincer: Show Server Log');
    const text = await waitForPincerOutput(page, [`Loaded ${MODEL_NAME} on CPU in`]);
    assert.match(text.replace(/\s+/g, ' '), new RegExp(`Loaded ${MODEL_NAME} on CPU in [\\d.]+s`));
    await screenshot(page, 'trusted-1-activation-and-server-log');
  });

  it('Pincer: Re-index Codebase indexes the workspace and says how many files and chunks it holds', async function () {
    const { page } = ctx;
    writeFileSync(path.join(ctx.workspaceDir, 'invoice.ts'), 'export function sendMonthlyInvoice(email: string) {\n  return email;\n}\n');
    await h.runCommand(page, 'Pincer: Re-index Codebase');
    const toast = page.locator('.notification-toast', { hasText: 'Pincer: the codebase index has' });
    await toast.waitFor({ timeout: 60_000 });
    const text = await toast.innerText();
    const match = /has (\d+) files, (\d+) chunks; keyword search only/.exec(text);
    assert.ok(match, `notification: ${text}`);
    assert.ok(Number(match[1]) >= 1 && Number(match[2]) >= 1, `notification: ${text}`);
    await screenshot(page, 'trusted-1b-reindex-codebase');
    await toast.getByRole('button', { name: /Clear Notification|Close/ }).first().click().catch(() => page.keyboard.press('Escape'));
  });

  it('Pincer: Restart Server starts a new server and the status returns to ready', async function () {
    const { page } = ctx;
    await waitForStatus(page, (hs) => isReady(hs.at(-1)), 'the Pincer status to be ready');
    const before = await waitForOneServer(ctx.server.extensionsDir);
    const mark = (await statusHistory(page)).length;

    await h.runCommand(page, 'Pincer: Restart Server');
    await waitForStatus(page, (hs) => hs.slice(mark).some((e) => !isReady(e)), 'the status to leave ready', 30_000);
    const after = await waitForOneServer(ctx.server.extensionsDir, before);
    const history = await waitForStatus(page, (hs) => hs.slice(mark).some((e) => !isReady(e)) && isReady(hs.at(-1)),
      'the status to return to ready');
    assert.ok(history.slice(mark).some((e) => e.label.startsWith('Pincer — loading.')), formatHistory(history.slice(mark)));

    await h.runCommand(page, 'Pincer: Show Server Log');
    await maximizePanel(page);
    await waitForPincerOutput(page, [`(pid ${after},`, `Loaded ${MODEL_NAME} on CPU in`]);
    await screenshot(page, 'trusted-2-restart-server');
  });

  it('restarts the server when it is killed from outside (SIGKILL)', async function () {
    const { page } = ctx;
    await waitForStatus(page, (hs) => isReady(hs.at(-1)), 'the Pincer status to be ready');
    const before = await waitForOneServer(ctx.server.extensionsDir);
    const mark = (await statusHistory(page)).length;

    process.kill(before, 'SIGKILL');
    const after = await waitForOneServer(ctx.server.extensionsDir, before);
    // The new server reports loading, then ready.
    const history = await waitForStatus(page, (hs) => hs.slice(mark).some((e) => !isReady(e)) && isReady(hs.at(-1)),
      'the status to go through loading back to ready');
    assert.ok(history.slice(mark).some((e) => e.label.startsWith('Pincer — loading.')), formatHistory(history.slice(mark)));

    await h.runCommand(page, 'Pincer: Show Server Log');
    await maximizePanel(page);
    await waitForPincerOutput(page, ['[client] The Pincer server stopped unexpectedly; restarting (', `(pid ${after},`,
      `Loaded ${MODEL_NAME} on CPU in`]);
    await screenshot(page, 'trusted-3-server-killed-and-restarted');
  });
});

describe('Pincer e2e: restricted mode (untrusted workspace)', function () {
  const ctx = {};
  before(async function () {
    skipUnlessRunnable(this);
    await start(ctx, { trust: false }); // fresh code-server: new profile, new folder
  });
  afterEach(reportStatusOnFailure(ctx));
  after(async function () {
    await stop(ctx);
  });

  it('marks the status "restricted", says why, and offers no agent or terminal command', async function () {
    const { page } = ctx;
    const history = await waitForStatus(page, (hs) => isReady(hs.at(-1), true), 'the restricted Pincer status to be ready');
    assert.ok(history.every((e) => e.text.includes('restricted')), `a status without "restricted":\n${formatHistory(history)}`);
    assert.ok((await h.statusBarText(page)).includes('Restricted Mode'), 'VS Code should show Restricted Mode');
    const { label } = history.at(-1);
    assert.ok(label.includes(RESTRICTED_WHY), `aria-label: ${label}`);
    await waitForOneServer(ctx.server.extensionsDir);
    assertLoopbackOnly();

    // The tooltip (hover) says why.
    await page.locator(PINCER_ITEM).hover();
    const hover = page.locator('.workbench-hover').filter({ hasText: 'Restricted Mode' });
    await hover.waitFor({ timeout: 10_000 });
    const tooltip = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.ok(tooltip.includes(RESTRICTED_WHY), `tooltip: ${tooltip}`);
    assert.match(tooltip, new RegExp(`Model: ${MODEL_NAME} Backend: CPU`));
    await h.screenshot(page, 'restricted-1-status-tooltip');
    await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height / 3);
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: 10_000 });

    // The command palette lists exactly the Pincer commands above.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').fill('>Pincer');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name');
    await page.waitForFunction(() => [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row .label-name')]
      .filter((e) => e.textContent.startsWith('Pincer:')).length >= 5, undefined, { timeout: 10_000 });
    // The list renders only the rows in view: page through it until no new label appears.
    const seen = new Set();
    for (let unchanged = 0; unchanged < 2;) {
      const before = seen.size;
      for (const text of await rows.allInnerTexts()) seen.add(text.trim());
      unchanged = seen.size === before ? unchanged + 1 : 0;
      await page.keyboard.press('PageDown');
    }
    const listed = [...seen];
    const pincer = listed.filter((t) => /pincer/i.test(t));
    assert.deepEqual([...pincer].sort(), [...PINCER_COMMANDS].sort(), `palette lists: ${JSON.stringify(listed)}`);
    assert.ok(!pincer.some((t) => /Agent|Run Command|Terminal/i.test(t)), `palette lists: ${JSON.stringify(listed)}`);
    await screenshot(page, 'restricted-2-command-palette');
    await page.keyboard.press('Escape');
  });
});
