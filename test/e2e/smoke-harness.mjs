// Manual check of the e2e harness (not part of any test suite):
//   node test/e2e/smoke-harness.mjs [--no-trust]
// Starts code-server on an empty temp folder without any extension, opens the workbench,
// toggles the terminal, takes a screenshot and stops everything.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';

const trust = !process.argv.includes('--no-trust');
if (!h.isE2eInstalled()) {
  console.error('e2e tools missing: run test/e2e/setup');
  process.exit(1);
}
const workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-smoke-ws-'));
const server = await h.startCodeServer({ workspaceDir });
const browser = await h.launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await h.openWorkbench(page, server.url, workspaceDir, { trust });
  // Restricted mode shows in the status bar until (and unless) the folder is trusted.
  const restricted = (texts) => texts.some((t) => /Restricted Mode/.test(t));
  await h.waitForStatusBar(page, trust ? (texts) => !restricted(texts) : restricted, 30_000);
  await h.runCommand(page, 'View: Toggle Terminal');
  await page.locator('.terminal-wrapper .xterm').waitFor(); // the terminal panel opened
  console.log('status bar:', JSON.stringify(await h.statusBarText(page)));
  console.log('screenshot:', await h.screenshot(page, trust ? 'smoke-trusted' : 'smoke-restricted'));
} finally {
  await browser.close();
  await server.stop();
  rmSync(workspaceDir, { recursive: true, force: true });
}
