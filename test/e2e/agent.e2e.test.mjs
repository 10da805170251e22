// End-to-end test of the agent in the chat view: the packaged .vsix in code-server, driven
// through Chromium. The test model writes random tokens and cannot plan, so the server runs with
// the documented test seam PINCER_AGENT_SCRIPT (a ScriptedModel replays the answers below; the
// env reaches the server through code-server and the extension host). Everything else is real:
// the permission gate asks, the approval cards are clicked, edits go through workspace/applyEdit
// and the files on disk change, then Undo run puts them back.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';
import { chatFrame, PINCER_SETTINGS, VIEWPORT, VSIX, poll, reportFailure, skipUnlessRunnable, stop } from './e2e-helpers.mjs';

const SETTINGS = {
  ...PINCER_SETTINGS,
  'files.autoSave': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
  'pincer.completion.enabled': false,
  // Edits ask, so each edit shows an approval card (application-scoped: user settings).
  'pincer.agent.toolPermissions': { edit_file: 'ask' },
};
const FILES = { 'greet.ts': 'export const greeting = "hello";\n', 'count.ts': 'export const count = 1;\n' };
const SCRIPT = [
  { plan: ['Shout the greeting', 'Raise the count'] },
  { thought: 'Make the greeting louder.', tool: 'edit_file', args: { path: 'greet.ts', search: '"hello"', replace: '"HELLO"' } },
  { thought: 'Raise the count.', tool: 'edit_file', args: { path: 'count.ts', search: '= 1;', replace: '= 2;' } },
  { thought: 'Check the files.', tool: 'run_command', args: { command: 'cat greet.ts count.ts' } },
  { thought: 'Both edits are in.', tool: 'finish', args: { summary: 'Greeting shouted and count raised.', verified: 'Read the diffs.' } },
];

describe('Pincer e2e: agent in the chat view', function () {
  const ctx = {};
  let scriptDir;
  const read = (name) => readFileSync(path.join(ctx.workspaceDir, name), 'utf8');

  before(async function () {
    skipUnlessRunnable(this);
    scriptDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-agent-script-'));
    const script = path.join(scriptDir, 'script.json');
    writeFileSync(script, JSON.stringify(SCRIPT));
    // Like e2e-helpers' start(), with the test seam's env for code-server (and so the server).
    ctx.workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-ws-agent-'));
    for (const [name, content] of Object.entries(FILES)) writeFileSync(path.join(ctx.workspaceDir, name), content);
    ctx.server = await h.startCodeServer({ vsixPath: VSIX, workspaceDir: ctx.workspaceDir, userSettings: SETTINGS, env: { PINCER_AGENT_SCRIPT: script } });
    ctx.browser = await h.launchBrowser();
    ctx.page = await ctx.browser.newPage({ viewport: VIEWPORT });
    await h.openWorkbench(ctx.page, ctx.server.url, ctx.workspaceDir, { trust: true });
  });
  afterEach(reportFailure(ctx, async (page) => {
    const entries = await chatFrame(page).locator('.transcript').evaluate((t) => [...t.children].map((c) => `${c.className}: ${c.textContent.slice(0, 160)}`)).catch((e) => [e.message]);
    console.log(`    chat transcript:\n      ${entries.join('\n      ')}`);
  }));
  after(async function () {
    if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
    await stop(ctx);
  });

  it('edits two files after approval in the cards, shows the diffs and the command terminal, then Undo run puts them back', async function () {
    const { page } = ctx;
    await h.runCommand(page, 'Pincer: New Chat');
    const chat = chatFrame(page);
    const input = chat.locator('textarea.input');
    await input.waitFor({ timeout: 30_000 });
    await chat.locator('.meter', { hasText: /tokens/ }).waitFor({ timeout: 60_000 });

    // Agent mode from the keyboard: the toggle is a pressed button.
    const toggle = chat.getByRole('button', { name: /^Agent mode/ });
    await toggle.focus();
    await toggle.press('Enter');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await input.fill('Shout the greeting and raise the count');
    await input.press('Enter');

    for (const [step, file] of [[1, 'greet.ts'], [2, 'count.ts']]) {
      const card = chat.locator('.agent-approval.pending', { hasText: `Step ${step} needs your approval` });
      await card.waitFor({ timeout: 60_000 });
      assert.match(await card.innerText(), new RegExp(file.replace('.', '\\.')));
      if (step === 1) await h.screenshot(page, 'agent-1-approval-card');
      await card.getByRole('button', { name: /^Approve/ }).click();
    }
    // The command asks too (profile "edit"); its card offers Always allow, which is remembered.
    const commandCard = chat.locator('.agent-approval.pending', { hasText: 'Step 3 needs your approval' });
    await commandCard.waitFor({ timeout: 60_000 });
    await commandCard.getByRole('button', { name: /^Always allow this command/ }).click();
    await chat.locator('article.agent-run.finished').waitFor({ timeout: 60_000 });
    await poll(() => read('greet.ts') === 'export const greeting = "HELLO";\n' && read('count.ts') === 'export const count = 2;\n', 'both files edited on disk', 15_000);
    assert.equal(await chat.locator('.agent-step.ok').count(), 3);
    // Its output is in a terminal named after the command; the row's link focuses it.
    await chat.getByRole('button', { name: /^Show the terminal Pincer: cat greet\.ts count\.ts/ }).click();
    await page.locator('.part.panel').getByText(/Pincer: cat greet\.ts/).first().waitFor({ timeout: 15_000 });
    assert.match(await chat.locator('.agent-step .agent-diff').first().innerText(), /\+export const greeting = "HELLO";/);
    assert.match(await chat.locator('article.agent-run').innerText(), /Greeting shouted and count raised\./);
    await h.screenshot(page, 'agent-2-run-finished-with-diffs');

    await chat.getByRole('button', { name: /^Undo run/ }).click();
    const undo = chat.locator('.agent-undo');
    await undo.waitFor({ timeout: 30_000 });
    assert.match(await undo.innerText(), /Undo run: 2 files restored/);
    await poll(() => read('greet.ts') === FILES['greet.ts'] && read('count.ts') === FILES['count.ts'], 'both files restored on disk', 15_000);
    assert.equal(await chat.locator('[data-agent-action="undo-run"], [data-agent-action="undo-step"]').count(), 0, 'nothing left to undo');
    await h.screenshot(page, 'agent-3-undo-run');
  });
});
